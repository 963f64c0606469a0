import AutopsyPackets
import AutopsyTCP
import Dispatch

/// Feeds the shards of a sharded run: the reading thread copies each TCP segment's payload
/// into the round's buffer (one per round, sized for a full round and reused, so no
/// allocation per packet) and the segment into its shard's batch, hands full rounds to the
/// shards' threads, and collects what they reported.
///
/// Batches go out in rounds, one batch per shard; at most `maxRounds` are in flight, so
/// memory stays bounded however fast the file reads. Each shard has its own serial queue,
/// so its batches run in order, one at a time.
final class ShardDispatcher {
    /// One shard's share of a round: its packets in, its events out.
    final class Batch: @unchecked Sendable {
        struct Item {
            var segment: TCPSegment
            var packet: PacketInfo
            /// The payload's place in the round's `payloads`.
            var start: Int
            var count: Int
            /// Sweep before this packet (the capture's second advanced).
            var tick: Bool
        }

        var items: [Item] = []
        var events: [FlowEvent] = []

        func reset() {
            items.removeAll(keepingCapacity: true)
            events.removeAll(keepingCapacity: true)
        }
    }

    /// One batch per shard, the payloads of all, and the group that says when all are done.
    /// The shards only read `payloads` while the round is out; one buffer for the round
    /// rather than one per shard keeps a round's memory at its size whatever the shares.
    final class Round: @unchecked Sendable {
        let batches: [Batch]
        let group = DispatchGroup()
        var packets = 0
        var payloads: [UInt8] = []

        init(shards: Int) {
            batches = (0..<shards).map { _ in Batch() }
            payloads.reserveCapacity(ShardDispatcher.roundBytes + ShardDispatcher.payloadSlack)
        }
    }

    /// A worker on its own thread: only ever touched from its queue.
    final class Shard: @unchecked Sendable {
        let worker: FlowWorker
        let queue: DispatchQueue

        init(worker: FlowWorker, index: Int) {
            self.worker = worker
            queue = DispatchQueue(label: "tlsautopsy.shard.\(index)")
        }

        func run(_ batch: Batch, of round: Round) {
            let worker = self.worker
            let storage = round.payloads
            let bytes = storage.span
            for item in batch.items {
                if item.tick { worker.tick(now: item.packet.timestamp, frame: item.packet.frame) }
                // A sweep alone (the segment went to another shard) carries no payload.
                guard item.count >= 0, item.start >= 0, item.start + item.count <= bytes.count else { continue }
                worker.ingest(
                    item.segment, payload: bytes.extracting(item.start..<(item.start + item.count)), packet: item.packet
                )
            }
            worker.takeEvents(into: &batch.events)
        }
    }

    /// Packets per round before it is handed out.
    static let roundPackets = 512
    /// Payload bytes per round before it is handed out.
    static let roundBytes = 256 << 10
    /// Rounds handed out and not yet merged, at most.
    static let maxRounds = 3
    /// Room reserved past `roundBytes`: a round ends after the payload that fills it.
    static let payloadSlack = 64 << 10

    private let shards: [Shard]
    /// The round being filled, held here rather than in a `Round`: each packet appends to
    /// the dispatcher's own arrays, where appending through the round and its batch (two
    /// objects) took and dropped references to both on every packet. `submit` swaps them
    /// into a spare round, whose emptied arrays (their room kept) are filled next.
    private var payloads: [UInt8] = []
    /// Per shard: its share of the round being filled.
    private var items: [[Batch.Item]]
    /// Packets in the round being filled.
    private var packets = 0
    private var inFlight: [Round] = []
    private var spare: [Round] = []

    init(workers: [FlowWorker]) {
        shards = workers.enumerated().map { Shard(worker: $0.element, index: $0.offset) }
        items = Array(repeating: [], count: workers.count)
        payloads.reserveCapacity(Self.roundBytes + Self.payloadSlack)
    }

    /// The shard of a segment: a hash of its address pair that is the same in both directions
    /// (with one shard, the usual two-thread run, nothing to hash).
    static func shard(of segment: TCPSegment, among count: Int) -> Int {
        guard count > 1 else { return 0 }
        let source = segment.source.high &* 31 &+ segment.source.low &+ UInt64(segment.sourcePort)
        let destination = segment.destination.high &* 31 &+ segment.destination.low &+ UInt64(segment.destinationPort)
        var mixed = (source ^ destination) &+ (source &+ destination) &* 0x9E37_79B9_7F4A_7C15
        mixed ^= mixed >> 29
        mixed = mixed &* 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 32
        return Int(mixed % UInt64(count))
    }

    /// Adds one segment to its shard's batch; `tick` puts a sweep before it on every shard.
    func add(_ segment: TCPSegment, payload: Span<UInt8>, packet: PacketInfo, tick: Bool) {
        let own = Self.shard(of: segment, among: shards.count)
        if tick {
            // Every shard sweeps at the same point; the segment's own shard does it with the segment.
            for index in items.indices where index != own {
                items[index].append(Batch.Item(segment: segment, packet: packet, start: 0, count: -1, tick: true))
            }
        }
        let start = payloads.count
        payload.withUnsafeBufferPointer { payloads.append(contentsOf: $0) }
        items[own].append(Batch.Item(segment: segment, packet: packet, start: start, count: payload.count, tick: tick))
        packets += 1
        if packets >= Self.roundPackets || payloads.count >= Self.roundBytes { submit() }
    }

    /// Hands the round being filled to the shards (nothing when it is empty).
    func submit() {
        guard packets > 0 || items.contains(where: { !$0.isEmpty }) else { return }
        let round = spare.popLast() ?? Round(shards: shards.count)
        // The filled arrays go to the round; its empty ones (room kept) are filled next.
        swap(&round.payloads, &payloads)
        for index in shards.indices where index < round.batches.count && index < items.count {
            swap(&round.batches[index].items, &items[index])
        }
        round.packets = packets
        packets = 0
        for (index, shard) in shards.enumerated() {
            let batch = round.batches[index]
            shard.queue.async(group: round.group) { shard.run(batch, of: round) }
        }
        inFlight.append(round)
    }

    /// The oldest round once all its shards are done (its batches hold their events); nil
    /// when no round is due. Without `waiting`, waits only while too many rounds are out.
    /// Hand it back with `recycle` once its events are taken.
    func finishedRound(waiting: Bool) -> Round? {
        // The count first: the oldest round is in use on a shard's thread, and taking a
        // reference to it on every packet (and dropping it) cost the reading thread dearly.
        if !waiting && inFlight.count < Self.maxRounds { return nil }
        guard let oldest = inFlight.first else { return nil }
        oldest.group.wait()
        inFlight.removeFirst()
        return oldest
    }

    /// Empties a round taken with `finishedRound` for reuse.
    func recycle(_ round: Round) {
        for batch in round.batches { batch.reset() }
        round.packets = 0
        round.payloads.removeAll(keepingCapacity: true)
        spare.append(round)
    }

    /// Runs `body` with a worker on its own queue, and waits for it (the run must be settled).
    func sync(_ worker: FlowWorker, _ body: (FlowWorker) -> Void) {
        guard let shard = shards.first(where: { $0.worker === worker }) else { return body(worker) }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            shard.queue.sync { box.value(shard.worker) }
        }
    }
}

/// Carries a value the compiler cannot prove sendable to a queue that runs it while the
/// caller waits (so it is never used from two threads at once).
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
