import AutopsyPackets

/// The TCP flow table: finds each segment's connection, reassembles both directions
/// and hands the byte streams to one `StreamHandler` per flow, within `Limits`.
///
/// The design is gopacket's: in-order payload goes to the handler straight from the
/// packet's span (no copy); only out-of-order segments are copied, into a small sorted
/// list per direction, and the first copy of any byte wins. Every timeout runs on the
/// capture clock (packet timestamps), so the same capture always gives the same
/// callbacks in the same order.
///
/// Per segment the handler gets `segment(...)` first (with `payloadLength` the length
/// the segment carried on the wire), then `data`, `gap` and `closed` as they apply. A
/// flow leaves the table through the `finished` closure with its handler, why it
/// ended and how it began; buffered data is always delivered (after a gap) first.
///
/// Memory: flows live in a slab (parallel arrays indexed by a `FlowIndex` from key to
/// slot), ordered by last use in a `RecencyHeap` that a packet updates with one store in
/// its slot, so an in-order segment of a known flow costs one hash lookup and no
/// allocation. Buffered bytes are charged with `bufferedSegmentOverhead` per segment and
/// bounded per direction and in total.
///
/// A flow opened by a bare SYN gets its handler only when a second packet comes (or when
/// it finishes): the handler is then given that SYN first, as if it had been there all
/// along. A SYN flood of half-open flows therefore costs the table's slot per flow, not a
/// handler's state; handlers live in boxes, so an empty slot holds one pointer.
public struct FlowTable<Handler: StreamHandler> {
    /// The bounds in force.
    public let limits: Limits
    /// What the table saw and what it could not use.
    public internal(set) var counters = TCPCounters()

    let makeHandler: (FlowStart) -> Handler
    /// Live flows: key to slot.
    var index = FlowIndex()
    /// Per-slot bookkeeping (stale in free slots).
    var flows: [FlowState] = []
    /// Per-slot handler: nil in free slots and while a flow has seen only its opening SYN.
    var handlers: [HandlerBox<Handler>?] = []
    /// An empty box, passed to the reassembly of a flow's opening SYN (which no handler sees yet).
    let noHandler = HandlerBox<Handler>(nil)
    /// Per-slot reassembly state: the initiator's direction at `2 * slot`, the responder's at `2 * slot + 1`.
    var halves: [HalfStream] = []
    /// Slots to reuse, most recently freed last.
    var freeSlots: [Int] = []
    /// Live flows by the stamp of their latest packet (least recently seen first).
    var recency = RecencyHeap()
    /// The stamp of the latest segment: one more for each segment ingested.
    var clock: UInt64 = 0
    /// Slots of flows with something buffered (their `bufferingPosition` points back here).
    var buffering: [Int] = []
    /// Closed and evicted connections whose trailing packets are absorbed.
    var tombstones = TombstoneTable()
    /// Charged bytes buffered over all flows.
    var totalBuffered = 0
    /// Serial number of the next flow created.
    var nextSerial: UInt64 = 0
    /// Capture second of the last automatic `expire`.
    var lastSweepSecond = Int64.min
    /// Called with each new flow's start (its `serial` included) the moment the table creates it.
    public var onCreate: ((FlowStart) -> Void)?

    /// An empty table; `makeHandler` creates the handler of each new flow.
    public init(limits: Limits, makeHandler: @escaping (FlowStart) -> Handler) {
        self.limits = limits
        self.makeHandler = makeHandler
    }

    /// Live flows in the table (tombstones not included).
    public var trackedFlows: Int { index.count }
    /// Out-of-order bytes buffered over all flows, each buffered segment charged
    /// `bufferedSegmentOverhead` bytes on top of its payload.
    public var bufferedBytes: Int { totalBuffered }
    /// Tombstones held (at most `limits.maxFlows`).
    public var tombstoneCount: Int { tombstones.count }
    /// Bytes each buffered out-of-order segment is charged beyond its payload.
    public static var bufferedSegmentOverhead: Int { HalfStream.segmentOverhead }
    /// How long a tombstone outlives the last packet it absorbed: 60 s (a TIME-WAIT of
    /// 2 x 30 s MSL, as Linux uses), or the idle timeout when that is shorter.
    public var tombstoneTimeoutNanoseconds: Int64 { min(limits.idleTimeoutNanoseconds, 60 * 1_000_000_000) }

    /// Takes one TCP segment: finds or creates its flow and updates that direction's stream.
    ///
    /// `payload` is exactly the segment's captured payload. A flow is created for an
    /// unknown key by a SYN, SYN-ACK, FIN or a segment with payload; a pure ACK or a
    /// lone RST on an unknown key starts nothing (counted in `segmentsWithoutFlow`).
    /// The initiator is the SYN's sender, the SYN-ACK's receiver, or else the sender of
    /// the first packet. Flows leaving the table (closed, evicted, idle) are passed to
    /// `finished`. At most once per second of capture time this also runs `expire`.
    public mutating func ingest(
        _ segment: TCPSegment, payload: Span<UInt8>, packet: PacketInfo,
        finished: (consuming Handler, FlowEnd, FlowStart) -> Void
    ) {
        counters.segments += 1
        clock &+= 1
        let now = packet.timestamp
        if now.seconds > lastSweepSecond {
            lastSweepSecond = now.seconds
            expire(now: now, finished: finished)
        }
        let (key, senderIsLower) = FlowKey.canonical(segment)
        guard
            let slot = slot(
                for: segment, key: key, hash: index.hash(key), senderIsLower: senderIsLower,
                payloadLength: payload.count, packet: packet, finished: finished)
        else { return }
        if flows[slot].lastSeen < now { flows[slot].lastSeen = now }
        flows[slot].stamp = clock
        let direction = flows[slot].direction(senderIsLower: senderIsLower)
        if segment.flags.contains(.rst) {
            reset(slot, from: direction, segment: segment, packet: packet, finished: finished)
            return
        }
        let half = 2 * slot + Int(direction.rawValue)
        let costBefore = halves[half].pendingCost
        // The opening SYN of a flow goes to no handler yet (see `materialize`).
        let opening = handlers[slot] == nil && Self.isBareSYN(segment, payload.count) && !halves[half].started
        // The box without a reference count: `handlers` (or `noHandler`) keeps it alive, and
        // nothing the reassembly calls touches the table (a strong reference was retained and
        // released per packet).
        if !opening && handlers[slot] == nil { _ = materializeNew(slot) }
        let held = opening ? Unmanaged.passUnretained(noHandler) : handlers[slot].map { Unmanaged.passUnretained($0) }
        guard let held else { return }
        held._withUnsafeGuaranteedRef { box in
            halves[half].receive(
                segment, payload: payload, packet: packet, limit: limits.outOfOrderBytesPerDirection,
                decidedLimit: limits.outOfOrderBytesAfterDecision,
                handler: &box.handler, direction: direction, counters: &counters)
        }
        account(slot, costChange: halves[half].pendingCost - costBefore)
        if halves[2 * slot].finDelivered && halves[2 * slot + 1].finDelivered {
            counters.flowsClosed += 1
            finish(slot, .closed, tombstone: true, finished: finished)
            return
        }
        if totalBuffered > limits.outOfOrderBytesTotal { enforceTotalLimit(finished: finished) }
    }

    /// Runs the once-per-second `expire` for capture time `now` if this second has not had
    /// it yet, exactly as `ingest` would before a segment stamped `now`. A sharded run calls
    /// this on every shard when the capture's second advances, so each shard sweeps at the
    /// same points as one table would.
    public mutating func tick(now: Timestamp, finished: (consuming Handler, FlowEnd, FlowStart) -> Void) {
        guard now.seconds > lastSweepSecond else { return }
        lastSweepSecond = now.seconds
        expire(now: now, finished: finished)
    }

    /// A RST: reported, then whatever is buffered in either direction (after gaps), then
    /// `closed(reset: true)`; the flow finishes as `.closed` and leaves a tombstone.
    mutating func reset(
        _ slot: Int, from direction: StreamDirection, segment: TCPSegment, packet: PacketInfo,
        finished: (consuming Handler, FlowEnd, FlowStart) -> Void
    ) {
        let length = max(0, min(segment.payloadLengthOnWire, SeqNum.plausibleWindow))
        let box = materialize(slot)
        box.handler?.segment(from: direction, packet: packet, payloadLength: length, retransmission: false)
        flushBuffered(slot)
        box.handler?.closed(from: direction, reset: true, packet: packet)
        counters.flowsClosed += 1
        finish(slot, .closed, tombstone: true, finished: finished)
    }
}

extension FlowTable {
    /// A SYN without ACK, FIN, RST or payload: what opens a connection, and all a half-open
    /// flow of a SYN flood ever sends.
    static func isBareSYN(_ segment: TCPSegment, _ captured: Int) -> Bool {
        segment.flags.contains(.syn) && !segment.flags.contains(.ack) && !segment.flags.contains(.fin)
            && !segment.flags.contains(.rst) && captured == 0 && segment.payloadLengthOnWire == 0
    }

    /// The slot's handler, created when the flow first needs one. The lookup is inlined
    /// (every packet takes it); the creation is not.
    @inline(__always)
    mutating func materialize(_ slot: Int) -> HandlerBox<Handler> {
        if let box = handlers[slot] { return box }
        return materializeNew(slot)
    }

    /// A new box for the slot's handler, kept in `handlers`.
    @inline(never)
    mutating func materializeNew(_ slot: Int) -> HandlerBox<Handler> {
        let box = HandlerBox(newHandler(slot))
        handlers[slot] = box
        return box
    }

    /// A new handler for the slot's flow, given the flow's opening SYN first (the only
    /// packet a flow can have seen without a handler), exactly as `receive` reports a first SYN.
    func newHandler(_ slot: Int) -> Handler {
        let start = flows[slot].start
        var handler = makeHandler(start)
        if start.sawSYN && halves[2 * slot].synSequence != nil {
            handler.segment(from: .initiator, packet: start.packet, payloadLength: 0, retransmission: false)
        }
        return handler
    }
}

/// A flow's handler, boxed so that a slot costs one pointer until its flow needs a handler.
final class HandlerBox<Handler: StreamHandler> {
    /// Nil in the table's `noHandler` box, and once the flow has finished and its handler was handed out.
    var handler: Handler?

    init(_ handler: Handler?) {
        self.handler = handler
    }
}
