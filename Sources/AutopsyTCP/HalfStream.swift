import AutopsyPackets

/// Out-of-order bytes copied from one segment, waiting for the hole before them to fill.
struct PendingSegment {
    /// Sequence number of the first byte.
    var start: SeqNum
    /// The captured bytes.
    var bytes: [UInt8]
    /// Sequence space right after `bytes` that the segment carried but the capture cut off
    /// (snap length); delivered as a gap.
    var lost: Int
    /// The packet the bytes came from.
    var packet: PacketInfo

    /// Bytes of sequence space covered.
    var length: Int { bytes.count + lost }
    /// What the entry is charged against the limits: its bytes plus a fixed overhead.
    var cost: Int { bytes.count + HalfStream.segmentOverhead }
}

/// A FIN seen but not yet delivered, because data before it is missing.
struct PendingFIN {
    /// The FIN's sequence number (after the segment's data).
    var sequence: SeqNum
    /// The packet that carried it.
    var packet: PacketInfo
}

/// One direction's reassembly state: the next expected sequence number and the
/// out-of-order segments waiting for a hole to fill.
///
/// Buffered segments are sorted by sequence number, disjoint (a byte seen twice keeps
/// its first copy) and all at or after `next`.
struct HalfStream {
    /// What each buffered segment is charged on top of its bytes (array header, sequence
    /// number, packet facts), so a flood of 1-byte segments cannot hold many times its
    /// nominal limit.
    static let segmentOverhead = 64

    /// Whether `next` is known (a SYN, or the first segment that occupies sequence space).
    var started = false
    /// The next sequence number to deliver.
    var next = SeqNum(0)
    /// The initial sequence number, when this side's SYN was seen.
    var synSequence: SeqNum?
    /// Out-of-order segments, sorted and disjoint.
    var pending: [PendingSegment] = []
    /// Sum of the pending segments' costs.
    var pendingCost = 0
    /// A FIN waiting for the data before it.
    var pendingFIN: PendingFIN?
    /// Whether this side's FIN has been delivered.
    var finDelivered = false

    /// Whether anything waits for a hole to fill.
    var isWaiting: Bool { !pending.isEmpty || pendingFIN != nil }

    /// The sequence number of the first thing waiting (buffered data or the FIN).
    var firstWaiting: SeqNum? {
        switch (pending.first?.start, pendingFIN?.sequence) {
        case (let data?, let fin?): return next.distance(to: fin) < next.distance(to: data) ? fin : data
        case (let data?, nil): return data
        case (nil, let fin?): return fin
        case (nil, nil): return nil
        }
    }

    /// Arrival time of the oldest thing waiting.
    var oldestWaiting: Timestamp? {
        var oldest = pendingFIN?.packet.timestamp
        for entry in pending where oldest.map({ entry.packet.timestamp < $0 }) ?? true {
            oldest = entry.packet.timestamp
        }
        return oldest
    }

    /// Records a FIN unless one was already seen (the first copy wins); returns whether it was new.
    mutating func recordFIN(at sequence: SeqNum, packet: PacketInfo) -> Bool {
        guard !finDelivered, pendingFIN == nil else { return false }
        pendingFIN = PendingFIN(sequence: sequence, packet: packet)
        return true
    }

    /// Copies the parts of an out-of-order segment that are not buffered yet (the first
    /// copy of a byte wins) into the sorted list; returns the bytes of sequence space added.
    /// `start` must be after `next`.
    mutating func buffer(_ payload: Span<UInt8>, at start: SeqNum, lost: Int, packet: PacketInfo) -> Int {
        let segmentStart = next.distance(to: start)
        let segmentEnd = segmentStart + payload.count + lost
        var index = 0
        if let last = pending.last, next.distance(to: last.start) + last.length <= segmentStart {
            index = pending.count
        } else {
            while index < pending.count, next.distance(to: pending[index].start) + pending[index].length <= segmentStart
            {
                index += 1
            }
        }
        var position = segmentStart
        var added = 0
        while position < segmentEnd {
            if index < pending.count {
                let entryStart = next.distance(to: pending[index].start)
                if entryStart <= position {
                    position = max(position, entryStart + pending[index].length)
                    index += 1
                    continue
                }
            }
            var fragmentEnd = segmentEnd
            if index < pending.count { fragmentEnd = min(segmentEnd, next.distance(to: pending[index].start)) }
            let from = position - segmentStart
            let to = fragmentEnd - segmentStart
            let entry = PendingSegment(
                start: next.advanced(by: position),
                bytes: Self.copy(payload, from: from, to: min(to, payload.count)),
                lost: max(0, to - max(from, payload.count)),
                packet: packet)
            pending.insert(entry, at: index)
            pendingCost += entry.cost
            index += 1
            added += fragmentEnd - position
            position = fragmentEnd
        }
        return added
    }

    /// Drops the first `count` pending segments.
    mutating func releaseFirst(_ count: Int) {
        let count = min(count, pending.count)
        guard count > 0 else { return }
        for index in 0..<count { pendingCost -= pending[index].cost }
        pending.removeSubrange(0..<count)
        if pending.isEmpty { pendingCost = 0 }
    }

    /// Forgets everything (the flow is finished and its slot will be reused).
    mutating func reset() {
        self = HalfStream()
    }

    /// A copy of `span[from..<to]` (empty when the range is).
    static func copy(_ span: Span<UInt8>, from: Int, to: Int) -> [UInt8] {
        guard from >= 0, from < to, to <= span.count else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(to - from)
        for index in from..<to { bytes.append(span[index]) }
        return bytes
    }
}
