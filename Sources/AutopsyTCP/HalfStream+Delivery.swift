import AutopsyPackets

/// Delivery to the handler: in-order bytes, gaps, and the FIN in sequence order.
extension HalfStream {
    /// Delivers everything contiguous from `next`: buffered segments (their copy wins
    /// where they overlap the live one), the live segment's bytes from the span without
    /// copying (`live` holds its captured bytes starting at `liveStart`, followed by
    /// `liveLost` bytes the capture cut off), then the FIN once reached. Nothing past a
    /// known FIN is delivered.
    mutating func drain<H: StreamHandler>(
        live: Span<UInt8>, liveStart: SeqNum, liveLost: Int, livePacket: PacketInfo,
        handler: inout H?, direction: StreamDirection, counters: inout TCPCounters
    ) {
        let liveLength = live.count + liveLost
        var consumed = 0
        while true {
            let finOffset = pendingFIN.map { next.distance(to: $0.sequence) } ?? Int.max
            if finOffset <= 0 { break }
            if consumed < pending.count {
                let offset = next.distance(to: pending[consumed].start)
                if offset <= 0 {
                    let length = pending[consumed].length
                    if -offset < length {
                        let bytes = pending[consumed].bytes
                        let count = min(length + offset, finOffset)
                        Self.deliver(
                            bytes.span, offset: -offset, count: count,
                            packet: pending[consumed].packet, handler: &handler, direction: direction,
                            counters: &counters)
                        next = next.advanced(by: count)
                    }
                    consumed += 1
                    continue
                }
            }
            let liveOffset = next.distance(to: liveStart)
            let liveRemaining = liveOffset + liveLength
            if liveOffset <= 0, liveRemaining > 0 {
                var count = min(liveRemaining, finOffset)
                if consumed < pending.count { count = min(count, next.distance(to: pending[consumed].start)) }
                Self.deliver(
                    live, offset: -liveOffset, count: count, packet: livePacket,
                    handler: &handler, direction: direction, counters: &counters)
                next = next.advanced(by: count)
                continue
            }
            break
        }
        // Most segments consumed nothing buffered and reached no FIN: no call for either.
        if consumed > 0 { releaseFirst(consumed) }
        if pendingFIN != nil { deliverFINIfReached(handler: &handler, direction: direction, counters: &counters) }
    }

    /// Delivers the FIN once every byte before it was delivered (or skipped as a gap).
    /// Data buffered beyond a FIN is impossible in a valid stream: it is dropped and
    /// counted as malformed.
    mutating func deliverFINIfReached<H: StreamHandler>(
        handler: inout H?, direction: StreamDirection, counters: inout TCPCounters
    ) {
        guard let fin = pendingFIN, next.distance(to: fin.sequence) <= 0 else { return }
        pendingFIN = nil
        finDelivered = true
        if next == fin.sequence { next = next.advanced(by: 1) }
        if !pending.isEmpty {
            counters.malformedSegments += pending.count
            releaseFirst(pending.count)
        }
        handler?.closed(from: direction, reset: false, packet: fin.packet)
    }

    /// Gives up on the hole at `next`: the missing bytes become a gap, then what is
    /// buffered from the lowest buffered segment (or the FIN) on is delivered. Returns
    /// false when nothing was waiting.
    @discardableResult
    mutating func skipHole<H: StreamHandler>(
        handler: inout H?, direction: StreamDirection, counters: inout TCPCounters
    ) -> Bool {
        guard let target = firstWaiting else { return false }
        var packet = pendingFIN?.packet
        if let first = pending.first, first.start == target { packet = first.packet }
        guard let packet else { return false }
        let missing = next.distance(to: target)
        if missing > 0 {
            Self.reportGap(missing, packet: packet, handler: &handler, direction: direction, counters: &counters)
            next = target
        }
        drain(
            live: Span(), liveStart: next, liveLost: 0, livePacket: packet,
            handler: &handler, direction: direction, counters: &counters)
        return true
    }

    /// Moves `next` forward to `target` without waiting: buffered data before it is
    /// delivered (after gaps), and the rest of the way is a gap reported on `packet`.
    mutating func skip<H: StreamHandler>(
        to target: SeqNum, packet: PacketInfo,
        handler: inout H?, direction: StreamDirection, counters: inout TCPCounters
    ) {
        while let first = firstWaiting, next.distance(to: first) <= next.distance(to: target),
            skipHole(handler: &handler, direction: direction, counters: &counters)
        {}
        guard !finDelivered else { return }
        let missing = next.distance(to: target)
        if missing > 0 {
            Self.reportGap(missing, packet: packet, handler: &handler, direction: direction, counters: &counters)
            next = target
        }
    }

    /// Gives up on every hole: everything buffered is delivered, after gaps (used when
    /// the flow is finished, so nothing buffered is dropped silently).
    mutating func flush<H: StreamHandler>(
        handler: inout H?, direction: StreamDirection, counters: inout TCPCounters
    ) {
        while skipHole(handler: &handler, direction: direction, counters: &counters) {}
    }

    /// Delivers `count` bytes of sequence space from `offset` of a source whose first
    /// `bytes.count` bytes were captured and whose rest was cut off (a gap).
    static func deliver<H: StreamHandler>(
        _ bytes: Span<UInt8>, offset: Int, count: Int, packet: PacketInfo,
        handler: inout H?, direction: StreamDirection, counters: inout TCPCounters
    ) {
        let end = offset + count
        let dataEnd = min(end, bytes.count)
        if offset < dataEnd {
            handler?.data(bytes.extracting(offset..<dataEnd), from: direction, packet: packet)
        }
        let lostStart = max(offset, bytes.count)
        if end > lostStart {
            reportGap(end - lostStart, packet: packet, handler: &handler, direction: direction, counters: &counters)
        }
    }

    /// Tells the handler that `missing` bytes will never come, and counts them.
    static func reportGap<H: StreamHandler>(
        _ missing: Int, packet: PacketInfo,
        handler: inout H?, direction: StreamDirection, counters: inout TCPCounters
    ) {
        guard missing > 0 else { return }
        counters.gaps += 1
        counters.gapBytes += UInt64(missing)
        handler?.gap(from: direction, missingBytes: UInt64(missing), packet: packet)
    }
}
