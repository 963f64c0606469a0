import AutopsyPackets

/// Finding, creating and finishing flows.
extension FlowTable {
    /// The slot of the segment's flow: an existing one, a new one, or nil when the
    /// segment is absorbed by a tombstone or starts nothing.
    mutating func slot(
        for segment: TCPSegment, key: FlowKey, hash: UInt64, senderIsLower: Bool, payloadLength: Int,
        packet: PacketInfo, finished: (consuming Handler, FlowEnd, FlowStart) -> Void
    ) -> Int? {
        let flags = segment.flags
        let opensConnection = flags.contains(.syn) && !flags.contains(.ack) && !flags.contains(.rst)
        if let existing = index.find(key, hash: hash, key: { flows[$0].key }) {
            guard opensConnection, isNewConnection(existing, segment: segment, senderIsLower: senderIsLower) else {
                return existing
            }
            counters.portReuses += 1
            finish(existing, .closed, tombstone: false, finished: finished)
            return createFlow(
                segment, key: key, hash: hash, senderIsLower: senderIsLower, packet: packet, finished: finished)
        }
        if let tombstone = tombstones.lookup(key) {
            guard opensConnection else {
                counters.tombstoneHits += 1
                tombstones.touch(tombstone, at: packet.timestamp)
                return nil
            }
            tombstones.remove(tombstone)
        }
        let occupiesSequenceSpace =
            flags.contains(.syn) || flags.contains(.fin) || payloadLength > 0 || segment.payloadLengthOnWire > 0
        guard !flags.contains(.rst), occupiesSequenceSpace else {
            counters.segmentsWithoutFlow += 1
            return nil
        }
        return createFlow(
            segment, key: key, hash: hash, senderIsLower: senderIsLower, packet: packet, finished: finished)
    }

    /// Whether a SYN (without ACK) on a live flow opens a new connection on the same
    /// ports: its sender's direction already started, and not with this initial
    /// sequence number (a retransmitted SYN has the same one).
    func isNewConnection(_ slot: Int, segment: TCPSegment, senderIsLower: Bool) -> Bool {
        let direction = flows[slot].direction(senderIsLower: senderIsLower)
        let half = halves[2 * slot + Int(direction.rawValue)]
        guard half.started else { return false }
        return half.synSequence != SeqNum(segment.sequence)
    }

    /// Enters a new flow, first evicting the least recently seen one when `maxFlows` are tracked.
    mutating func createFlow(
        _ segment: TCPSegment, key: FlowKey, hash: UInt64, senderIsLower: Bool, packet: PacketInfo,
        finished: (consuming Handler, FlowEnd, FlowStart) -> Void
    ) -> Int {
        while index.count >= max(1, min(limits.maxFlows, FlowIndex.maxSlots)), let victim = leastRecentFlow(),
            finish(victim, .evicted, tombstone: true, finished: finished)
        {
            counters.maxFlowsEvictions += 1
        }
        let flags = segment.flags
        let sawSYN = flags.contains(.syn)
        let initiatorIsLower = sawSYN && flags.contains(.ack) ? !senderIsLower : senderIsLower
        let start = FlowStart(
            initiator: initiatorIsLower ? key.lowerAddress : key.upperAddress,
            initiatorPort: initiatorIsLower ? key.lowerPort : key.upperPort,
            responder: initiatorIsLower ? key.upperAddress : key.lowerAddress,
            responderPort: initiatorIsLower ? key.upperPort : key.lowerPort,
            vlan: key.vlan, sawSYN: sawSYN, packet: packet, serial: nextSerial)
        let state = FlowState(
            key: key, hash: hash, initiatorIsLower: initiatorIsLower, lastSeen: packet.timestamp, stamp: clock,
            start: start, serial: nextSerial)
        nextSerial += 1
        // A bare SYN opens the flow without a handler (see `materialize`).
        let handler = Self.isBareSYN(segment, segment.payloadLength) ? nil : HandlerBox(makeHandler(start))
        let slot: Int
        if let reused = freeSlots.popLast() {
            slot = reused
            flows[slot] = state
            handlers[slot] = handler
        } else {
            slot = flows.count
            flows.append(state)
            handlers.append(handler)
            halves.append(HalfStream())
            halves.append(HalfStream())
            recency.reserveSlots(flows.count)
        }
        index.insert(slot: slot, hash: hash)
        recency.insert(slot, stamp: clock)
        onCreate?(start)
        counters.flowsCreated += 1
        counters.flowsTrackedPeak = max(counters.flowsTrackedPeak, index.count)
        if !sawSYN { counters.flowsWithoutSYN += 1 }
        return slot
    }

    /// The live flow seen least recently (the lowest stamp), if any.
    mutating func leastRecentFlow() -> Int? {
        // The heap reads the stamps from a copy of the slab (one reference), not through
        // `self`, which the heap's own mutation holds.
        let states = flows
        return recency.leastRecent { slot in slot < states.count ? states[slot].stamp : 0 }
    }

    /// Takes a flow out of the table: delivers what it buffered (after gaps), frees its
    /// slot, leaves a tombstone when asked, and passes the handler to `finished`. Returns
    /// false (and does nothing) when the slot holds no live flow.
    @discardableResult
    mutating func finish(
        _ slot: Int, _ end: FlowEnd, tombstone: Bool, finished: (consuming Handler, FlowEnd, FlowStart) -> Void
    ) -> Bool {
        guard slot >= 0, slot < flows.count, index.contains(slot: slot, hash: flows[slot].hash) else { return false }
        flushBuffered(slot)
        removeFromBuffering(slot)
        recency.remove(slot)
        let state = flows[slot]
        // Every flow leaves with a handler, even one that only ever sent its SYN.
        let box = materialize(slot)
        handlers[slot] = nil
        index.remove(slot: slot, hash: state.hash)
        halves[2 * slot].reset()
        halves[2 * slot + 1].reset()
        freeSlots.append(slot)
        if tombstone {
            counters.tombstoneEvictions += tombstones.insert(
                state.key, at: state.lastSeen, capacity: max(1, min(limits.maxFlows, limits.maxTombstones)))
            counters.tombstonesPeak = max(counters.tombstonesPeak, tombstones.count)
        }
        // Consumed into the call: without `consume` the binding is copied, session and all.
        if let handler = box.handler.take() { finished(consume handler, end, state.start) }
        return true
    }

    /// Gives up every hole of both directions, delivering all buffered data after gaps.
    mutating func flushBuffered(_ slot: Int) {
        flushBuffered(slot, direction: .initiator)
        flushBuffered(slot, direction: .responder)
    }

    /// Gives up every hole of one direction, delivering its buffered data after gaps.
    mutating func flushBuffered(_ slot: Int, direction: StreamDirection) {
        let half = 2 * slot + Int(direction.rawValue)
        guard halves[half].isWaiting else { return }
        let costBefore = halves[half].pendingCost
        let box = materialize(slot)
        halves[half].flush(handler: &box.handler, direction: direction, counters: &counters)
        account(slot, costChange: halves[half].pendingCost - costBefore)
    }

    /// Books a change in a flow's buffered bytes and keeps the list of buffering flows current.
    /// Inlined for the common case, a packet of a flow that buffers nothing before or after
    /// it: nothing to book (the list holds exactly the flows with something waiting).
    @inline(__always)
    mutating func account(_ slot: Int, costChange: Int) {
        if costChange == 0 && flows[slot].bufferingPosition < 0 && !halves[2 * slot].isWaiting
            && !halves[2 * slot + 1].isWaiting
        {
            return
        }
        book(slot, costChange: costChange)
    }

    /// `account` when something is or was buffered.
    @inline(never)
    mutating func book(_ slot: Int, costChange: Int) {
        totalBuffered += costChange
        if totalBuffered > counters.outOfOrderBytesPeak { counters.outOfOrderBytesPeak = totalBuffered }
        let waiting = halves[2 * slot].isWaiting || halves[2 * slot + 1].isWaiting
        if waiting, flows[slot].bufferingPosition < 0 {
            flows[slot].bufferingPosition = buffering.count
            buffering.append(slot)
        } else if !waiting {
            removeFromBuffering(slot)
        }
    }

    /// Drops a flow from the list of buffering flows (swap with the last entry).
    mutating func removeFromBuffering(_ slot: Int) {
        let position = flows[slot].bufferingPosition
        // Most packets find their flow not buffering: nothing to write.
        guard position >= 0 else { return }
        flows[slot].bufferingPosition = -1
        guard position < buffering.count, buffering[position] == slot,
            let last = buffering.popLast()
        else { return }
        if last != slot, position < buffering.count {
            buffering[position] = last
            flows[last].bufferingPosition = position
        }
    }

    /// Evicts the flows holding the most buffered bytes until the total is within `outOfOrderBytesTotal`.
    mutating func enforceTotalLimit(finished: (consuming Handler, FlowEnd, FlowStart) -> Void) {
        while totalBuffered > limits.outOfOrderBytesTotal, let victim = biggestBufferingFlow(),
            finish(victim, .evicted, tombstone: true, finished: finished)
        {
            counters.totalLimitEvictions += 1
        }
    }

    /// The flow holding the most buffered bytes (the oldest on a tie), if any holds some.
    func biggestBufferingFlow() -> Int? {
        var best: Int?
        var bestCost = 0
        for slot in buffering {
            let cost = halves[2 * slot].pendingCost + halves[2 * slot + 1].pendingCost
            if cost > bestCost
                || (cost == bestCost && cost > 0 && best.map({ flows[slot].serial < flows[$0].serial }) ?? false)
            {
                best = slot
                bestCost = cost
            }
        }
        return best
    }
}
