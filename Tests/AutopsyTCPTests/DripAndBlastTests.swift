import AutopsyPackets
import AutopsyTCP
import Testing

/// A synthetic connection: both streams, and the packets that carry them.
struct Exchange {
    var connection: Connection
    var client: [UInt8]
    var server: [UInt8]

    init(connection: Connection = Connection(), clientBytes: Int = 1_500, serverBytes: Int = 2_500, seed: UInt64 = 1) {
        var rng = SplitMix64(seed: seed)
        self.connection = connection
        client = randomBytes(clientBytes, using: &rng)
        server = randomBytes(serverBytes, using: &rng)
    }

    func stream(_ direction: StreamDirection) -> [UInt8] { direction == .initiator ? client : server }

    var handshake: [TestPacket] { [connection.syn(), connection.synAck(), connection.ack(.initiator, at: 0)] }

    var fins: [TestPacket] {
        [connection.fin(.initiator, at: client.count), connection.fin(.responder, at: server.count)]
    }

    /// One direction's stream cut into segments of the given sizes (the last one takes the rest).
    func segments(_ direction: StreamDirection, sizes: (inout SplitMix64) -> Int, rng: inout SplitMix64) -> [TestPacket]
    {
        let bytes = stream(direction)
        var packets: [TestPacket] = []
        var offset = 0
        while offset < bytes.count {
            let size = min(max(1, sizes(&rng)), bytes.count - offset)
            packets.append(connection.data(direction, at: offset, Array(bytes[offset..<(offset + size)])))
            offset += size
        }
        return packets
    }

    /// A segment repeating the stream's bytes in `range` (a retransmission, possibly re-cut).
    func repeatSegment(_ direction: StreamDirection, _ range: Range<Int>) -> TestPacket {
        connection.data(direction, at: range.lowerBound, Array(stream(direction)[range]))
    }
}

/// How a stream is cut into segments.
enum Cut: String, CaseIterable, CustomTestStringConvertible {
    case bytewise, natural, whole
    var testDescription: String { rawValue }

    func size(_ rng: inout SplitMix64) -> Int {
        switch self {
        case .bytewise: return 1
        case .natural: return Int.random(in: 1...300, using: &rng)
        case .whole: return Int.max
        }
    }
}

/// The flow finished `.closed` with both streams intact, no gap, both FINs, nothing left over.
func expectIntact(_ harness: Harness, _ exchange: Exchange, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(harness.finished.count == 1, sourceLocation: sourceLocation)
    guard let flow = harness.finished.first else { return }
    #expect(flow.end == .closed, sourceLocation: sourceLocation)
    #expect(flow.start.sawSYN, sourceLocation: sourceLocation)
    #expect(flow.start.initiator == exchange.connection.client, sourceLocation: sourceLocation)
    #expect(flow.recorder.initiatorBytes == exchange.client, sourceLocation: sourceLocation)
    #expect(flow.recorder.responderBytes == exchange.server, sourceLocation: sourceLocation)
    #expect(flow.recorder.gaps.isEmpty, sourceLocation: sourceLocation)
    let closes = flow.recorder.closes
    #expect(closes.count == 2, sourceLocation: sourceLocation)
    #expect(closes.contains(.closed(.initiator, reset: false)), sourceLocation: sourceLocation)
    #expect(closes.contains(.closed(.responder, reset: false)), sourceLocation: sourceLocation)
    // FIN comes after the last byte of its direction.
    for direction in [StreamDirection.initiator, .responder] {
        let mine = flow.recorder.deliveries.filter {
            switch $0 {
            case .data(let d, _, _), .gap(let d, _, _), .closed(let d, _): return d == direction
            case .segment: return false
            }
        }
        #expect(mine.last == .closed(direction, reset: false), sourceLocation: sourceLocation)
    }
    #expect(harness.table.trackedFlows == 0, sourceLocation: sourceLocation)
    #expect(harness.table.bufferedBytes == 0, sourceLocation: sourceLocation)
    #expect(harness.table.counters.gaps == 0, sourceLocation: sourceLocation)
}

@Suite struct DripAndBlastTests {
    @Test(arguments: Cut.allCases)
    func inOrder(cut: Cut) {
        let exchange = Exchange()
        var rng = SplitMix64(seed: 7)
        var harness = Harness()
        harness.feed(exchange.handshake)
        // Interleave the two directions as a request/response would.
        let client = exchange.segments(.initiator, sizes: cut.size, rng: &rng)
        let server = exchange.segments(.responder, sizes: cut.size, rng: &rng)
        harness.feed(client)
        harness.feed(server)
        harness.feed(exchange.fins)
        expectIntact(harness, exchange)
        #expect(harness.table.counters.outOfOrderSegmentsBuffered == 0)
        #expect(harness.table.counters.outOfOrderBytesPeak == 0)
        #expect(harness.table.counters.retransmittedSegments == 0)
    }

    @Test(arguments: Cut.allCases, 0..<25 as Range<UInt64>)
    func shuffled(cut: Cut, seed: UInt64) {
        let exchange = Exchange(seed: seed)
        var rng = SplitMix64(seed: seed &* 31 &+ 5)
        var rest =
            exchange.segments(.initiator, sizes: cut.size, rng: &rng)
            + exchange.segments(.responder, sizes: cut.size, rng: &rng) + exchange.fins
        rest.shuffle(using: &rng)
        var harness = Harness()
        harness.feed(exchange.handshake)
        harness.feed(rest)
        expectIntact(harness, exchange)
        if cut != .whole { #expect(harness.table.counters.outOfOrderSegmentsBuffered > 0) }
        // Buffered bytes never exceed what one copy of both streams costs.
        #expect(harness.table.counters.outOfOrderBytesPeak <= (exchange.client.count + exchange.server.count) * 65)
    }

    /// Duplicates and overlapping retransmissions carrying the same bytes change nothing.
    @Test(arguments: 0..<40 as Range<UInt64>)
    func duplicatesAndOverlaps(seed: UInt64) {
        let exchange = Exchange(seed: seed)
        var rng = SplitMix64(seed: seed &+ 1_000)
        var rest =
            exchange.segments(.initiator, sizes: Cut.natural.size, rng: &rng)
            + exchange.segments(.responder, sizes: Cut.natural.size, rng: &rng)
        for _ in 0..<20 {
            if let copy = rest.randomElement(using: &rng) { rest.append(copy) }
            let direction: StreamDirection = Bool.random(using: &rng) ? .initiator : .responder
            let count = exchange.stream(direction).count
            let lower = Int.random(in: 0..<count, using: &rng)
            let upper = Int.random(in: (lower + 1)...min(count, lower + 700), using: &rng)
            rest.append(exchange.repeatSegment(direction, lower..<upper))
        }
        rest += exchange.fins
        rest.shuffle(using: &rng)
        var harness = Harness()
        harness.feed(exchange.handshake)
        harness.feed(rest)
        expectIntact(harness, exchange)
        #expect(harness.table.counters.retransmittedSegments > 0)
    }

    /// Sequence numbers crossing 2^32 in both directions, in order and shuffled.
    @Test(arguments: [UInt32(0xFFFF_FF00), 0xFFFF_FFFF, 0xFFFF_FFFE], [false, true])
    func wraparound(isn: UInt32, shuffle: Bool) {
        var connection = Connection()
        connection.clientISN = isn
        connection.serverISN = isn &- 700
        let exchange = Exchange(connection: connection, clientBytes: 900, serverBytes: 1_200, seed: UInt64(isn))
        var rng = SplitMix64(seed: 99)
        var rest =
            exchange.segments(.initiator, sizes: Cut.natural.size, rng: &rng)
            + exchange.segments(.responder, sizes: Cut.natural.size, rng: &rng) + exchange.fins
        if shuffle { rest.shuffle(using: &rng) }
        var harness = Harness()
        harness.feed(exchange.handshake)
        harness.feed(rest)
        expectIntact(harness, exchange)
    }

    /// The same input gives the same callbacks, event for event.
    @Test func deterministic() {
        func run() -> [Event] {
            let exchange = Exchange(seed: 3)
            var rng = SplitMix64(seed: 3)
            var rest =
                exchange.segments(.initiator, sizes: Cut.natural.size, rng: &rng)
                + exchange.segments(.responder, sizes: Cut.natural.size, rng: &rng) + exchange.fins
            rest.shuffle(using: &rng)
            var harness = Harness()
            harness.feed(exchange.handshake)
            harness.feed(rest)
            return harness.finished.first?.recorder.events ?? []
        }
        let first = run()
        #expect(!first.isEmpty)
        #expect(run() == first)
    }
}
