import AutopsyPackets
import AutopsyTCP

/// One thing a `Recorder` was told.
enum Event: Equatable, CustomStringConvertible {
    case segment(StreamDirection, frame: UInt64, retransmission: Bool)
    case data(StreamDirection, [UInt8], frame: UInt64)
    case gap(StreamDirection, UInt64, frame: UInt64)
    case closed(StreamDirection, reset: Bool)

    var description: String {
        switch self {
        case .segment(let d, let frame, let r): return "segment(\(d), #\(frame)\(r ? ", retransmission" : ""))"
        case .data(let d, let bytes, let frame): return "data(\(d), \(bytes.count) bytes, #\(frame))"
        case .gap(let d, let n, let frame): return "gap(\(d), \(n), #\(frame))"
        case .closed(let d, let reset): return "closed(\(d)\(reset ? ", reset" : ""))"
        }
    }
}

/// A stream handler that concatenates each direction's bytes and logs everything else.
struct Recorder: StreamHandler {
    var start: FlowStart
    var initiatorBytes: [UInt8] = []
    var responderBytes: [UInt8] = []
    var events: [Event] = []
    /// Becomes decided once this many bytes were delivered in total (nil: never).
    var decideAfter: Int?

    init(start: FlowStart, decideAfter: Int? = nil) {
        self.start = start
        self.decideAfter = decideAfter
    }

    func bytes(_ direction: StreamDirection) -> [UInt8] {
        direction == .initiator ? initiatorBytes : responderBytes
    }

    var gaps: [Event] { events.filter { if case .gap = $0 { return true } else { return false } } }
    var closes: [Event] { events.filter { if case .closed = $0 { return true } else { return false } } }
    var retransmissions: Int {
        events.filter { if case .segment(_, _, true) = $0 { return true } else { return false } }.count
    }
    /// Events other than `segment`.
    var deliveries: [Event] { events.filter { if case .segment = $0 { return false } else { return true } } }

    mutating func segment(from direction: StreamDirection, packet: PacketInfo, payloadLength: Int, retransmission: Bool)
    {
        events.append(.segment(direction, frame: packet.frame, retransmission: retransmission))
    }

    mutating func data(_ bytes: Span<UInt8>, from direction: StreamDirection, packet: PacketInfo) {
        var copy: [UInt8] = []
        for index in bytes.indices { copy.append(bytes[index]) }
        if direction == .initiator { initiatorBytes += copy } else { responderBytes += copy }
        events.append(.data(direction, copy, frame: packet.frame))
    }

    mutating func gap(from direction: StreamDirection, missingBytes: UInt64, packet: PacketInfo) {
        events.append(.gap(direction, missingBytes, frame: packet.frame))
    }

    mutating func closed(from direction: StreamDirection, reset: Bool, packet: PacketInfo) {
        events.append(.closed(direction, reset: reset))
    }

    var isDecided: Bool {
        guard let decideAfter else { return false }
        return initiatorBytes.count + responderBytes.count >= decideAfter
    }
}

/// A TCP segment to feed, with its payload.
struct TestPacket {
    var source: IPAddress
    var sourcePort: UInt16
    var destination: IPAddress
    var destinationPort: UInt16
    var sequence: UInt32
    var acknowledgment: UInt32 = 0
    var flags: TCPFlags
    var payload: [UInt8] = []
    /// Bytes the segment carried on the wire when more than were captured.
    var onWire: Int?
    var vlan = VLANTags()
}

/// A flow that finished, with why.
struct Finished {
    var recorder: Recorder
    var end: FlowEnd
    var start: FlowStart
}

/// A flow table of recorders, the packets fed to it, and the flows it finished.
struct Harness {
    var table: FlowTable<Recorder>
    var finished: [Finished] = []
    var frame: UInt64 = 0
    /// Capture time of the next packet.
    var clock = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)

    init(limits: Limits = Limits(), decideAfter: Int? = nil) {
        table = FlowTable(limits: limits) { Recorder(start: $0, decideAfter: decideAfter) }
    }

    /// Feeds one packet at the current clock, then moves the clock on by `step` nanoseconds.
    mutating func feed(_ packet: TestPacket, step: Int64 = 1_000_000) {
        frame += 1
        let segment = TCPSegment(
            source: packet.source, destination: packet.destination,
            sourcePort: packet.sourcePort, destinationPort: packet.destinationPort,
            sequence: packet.sequence, acknowledgment: packet.acknowledgment, flags: packet.flags,
            window: 65535, ttl: 64, ipID: 1, vlan: packet.vlan,
            payloadOffset: 54, payloadLength: packet.payload.count,
            payloadLengthOnWire: packet.onWire ?? packet.payload.count)
        let info = PacketInfo(frame: frame, timestamp: clock, ttl: 64, ipID: 1, flags: packet.flags)
        var done: [Finished] = []
        table.ingest(segment, payload: packet.payload.span, packet: info) { handler, end, start in
            done.append(Finished(recorder: handler, end: end, start: start))
        }
        finished += done
        clock = clock.adding(nanoseconds: step)
    }

    mutating func feed(_ packets: [TestPacket]) {
        for packet in packets { feed(packet) }
    }

    /// Moves the capture clock without a packet.
    mutating func advance(seconds: Int64) {
        clock = clock.adding(nanoseconds: seconds * 1_000_000_000)
    }

    /// Runs the table's timeouts at the current clock.
    mutating func expire() {
        var done: [Finished] = []
        table.expire(now: clock) { handler, end, start in
            done.append(Finished(recorder: handler, end: end, start: start))
        }
        finished += done
    }

    /// Ends the capture.
    mutating func finishAll() {
        var done: [Finished] = []
        table.finishAll { handler, end, start in done.append(Finished(recorder: handler, end: end, start: start)) }
        finished += done
    }
}

/// A client-server connection that builds its own packets.
struct Connection {
    var client = IPAddress(ipv4: 0x0a00_0001)
    var clientPort: UInt16 = 50_000
    var server = IPAddress(ipv4: 0x0a00_0002)
    var serverPort: UInt16 = 443
    var clientISN: UInt32 = 1_000
    var serverISN: UInt32 = 5_000_000
    var vlan = VLANTags()

    /// A segment from one side; `offset` counts payload bytes after the SYN (0 is ISN + 1).
    func packet(
        from direction: StreamDirection, offset: Int, _ payload: [UInt8] = [], flags: TCPFlags = [.ack],
        onWire: Int? = nil
    ) -> TestPacket {
        let fromClient = direction == .initiator
        let isn = fromClient ? clientISN : serverISN
        let peerISN = fromClient ? serverISN : clientISN
        return TestPacket(
            source: fromClient ? client : server, sourcePort: fromClient ? clientPort : serverPort,
            destination: fromClient ? server : client, destinationPort: fromClient ? serverPort : clientPort,
            sequence: isn &+ 1 &+ UInt32(truncatingIfNeeded: offset), acknowledgment: peerISN &+ 1,
            flags: flags, payload: payload, onWire: onWire, vlan: vlan)
    }

    func syn(_ payload: [UInt8] = []) -> TestPacket {
        var packet = self.packet(from: .initiator, offset: -1, payload, flags: [.syn])
        packet.acknowledgment = 0
        return packet
    }

    func synAck() -> TestPacket { packet(from: .responder, offset: -1, flags: [.syn, .ack]) }

    func data(_ direction: StreamDirection, at offset: Int, _ payload: [UInt8]) -> TestPacket {
        packet(from: direction, offset: offset, payload, flags: [.ack, .psh])
    }

    func ack(_ direction: StreamDirection, at offset: Int) -> TestPacket { packet(from: direction, offset: offset) }

    func fin(_ direction: StreamDirection, at offset: Int) -> TestPacket {
        packet(from: direction, offset: offset, flags: [.fin, .ack])
    }

    func rst(_ direction: StreamDirection, at offset: Int) -> TestPacket {
        packet(from: direction, offset: offset, flags: [.rst, .ack])
    }
}

/// SplitMix64: a small deterministic generator, so shuffles repeat run after run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `count` pseudo-random bytes.
func randomBytes(_ count: Int, using rng: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

/// `count` copies of one byte.
func bytes(_ character: Character, _ count: Int) -> [UInt8] {
    [UInt8](repeating: character.asciiValue ?? 0, count: count)
}
