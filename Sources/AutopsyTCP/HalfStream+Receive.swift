import AutopsyPackets

/// What one segment (other than a RST) does to its direction's stream.
extension HalfStream {
    /// Places one segment in the stream: reports it with `segment(...)`, then delivers,
    /// buffers, skips or ignores its bytes and FIN.
    ///
    /// - Starting point: this side's SYN + 1; without a SYN, the first segment that
    ///   occupies sequence space (data or FIN). Segments before that (pure ACKs) only
    ///   get reported.
    /// - In order (starts at or before `next`, ends after it): delivered from the span,
    ///   trimmed of bytes already delivered; buffered copies of the same bytes win.
    /// - Ahead: copied into the buffer (only bytes not buffered yet). Past `limit`
    ///   buffered bytes (`decidedLimit` once the handler is decided) the lowest hole is
    ///   given up as a gap.
    /// - Behind (every byte already delivered): a retransmission, ignored. A keep-alive
    ///   (at most one byte, one byte behind) is counted apart and not a retransmission.
    /// - More than `SeqNum.plausibleWindow` away, with an implausible length, or past
    ///   this side's delivered FIN: malformed, ignored.
    mutating func receive<H: StreamHandler>(
        _ segment: TCPSegment, payload: Span<UInt8>, packet: PacketInfo, limit: Int, decidedLimit: Int,
        handler: inout H?, direction: StreamDirection, counters: inout TCPCounters
    ) {
        let captured = payload.count
        guard segment.payloadLengthOnWire >= 0, segment.payloadLengthOnWire <= SeqNum.plausibleWindow else {
            counters.malformedSegments += 1
            handler?.segment(from: direction, packet: packet, payloadLength: captured, retransmission: false)
            return
        }
        let onWire = max(segment.payloadLengthOnWire, captured)
        let lost = onWire - captured
        let syn = segment.flags.contains(.syn)
        let fin = segment.flags.contains(.fin)
        if lost > 0 { counters.truncatedSegments += 1 }

        let sequence = SeqNum(segment.sequence)
        let dataStart = syn ? sequence.advanced(by: 1) : sequence
        var isFirstSYN = false
        if syn, synSequence == nil, !started {
            started = true
            next = dataStart
            synSequence = sequence
            isFirstSYN = true
        }
        if !started, onWire > 0 || fin {
            started = true
            next = dataStart
        }
        let offset = next.distance(to: dataStart)
        let end = offset + onWire + (fin ? 1 : 0)

        func report(retransmission: Bool) {
            handler?.segment(from: direction, packet: packet, payloadLength: onWire, retransmission: retransmission)
        }
        if !started || (onWire == 0 && !fin && !syn) {
            if started, offset == -1 { counters.keepAlives += 1 }
            report(retransmission: false)
            return
        }
        if !syn, !fin, onWire == 1, offset == -1 {
            counters.keepAlives += 1
            report(retransmission: false)
            return
        }
        if offset > SeqNum.plausibleWindow || offset < -SeqNum.plausibleWindow {
            counters.malformedSegments += 1
            report(retransmission: false)
            return
        }
        if end <= 0 {
            let repeated = !isFirstSYN
            if repeated { counters.retransmittedSegments += 1 }
            report(retransmission: repeated)
            return
        }
        if finDelivered {
            // Sequence space past a delivered FIN: nothing valid can be there.
            counters.malformedSegments += 1
            report(retransmission: false)
            return
        }
        if offset <= 0 {
            report(retransmission: false)
            if fin { _ = recordFIN(at: dataStart.advanced(by: onWire), packet: packet) }
            if offset > 0 {
                skip(to: dataStart, packet: packet, handler: &handler, direction: direction, counters: &counters)
                if finDelivered { return }
            }
            drain(
                live: payload, liveStart: dataStart, liveLost: lost, livePacket: packet,
                handler: &handler, direction: direction, counters: &counters)
            return
        }
        let added = buffer(payload, at: dataStart, lost: lost, packet: packet)
        let newFIN = fin && recordFIN(at: dataStart.advanced(by: onWire), packet: packet)
        if added == 0 && !newFIN {
            counters.retransmittedSegments += 1
            report(retransmission: true)
            return
        }
        if added > 0 { counters.outOfOrderSegmentsBuffered += 1 }
        report(retransmission: false)
        // A decided flow needs its bytes only to follow record headers: it gets a smaller buffer.
        // (Asked only here: reading through the optional handler may copy it.)
        let decided = handler?.isDecided ?? false
        let effectiveLimit = decided ? min(limit, decidedLimit) : limit
        while pendingCost > effectiveLimit, skipHole(handler: &handler, direction: direction, counters: &counters) {
            counters.perDirectionLimitHits += 1
        }
    }
}
