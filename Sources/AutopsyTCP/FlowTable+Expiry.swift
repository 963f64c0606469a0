import AutopsyPackets

/// Timeouts on the capture clock, and the end of the capture.
extension FlowTable {
    /// Applies every timeout as of capture time `now`: flows not seen for
    /// `idleTimeoutNanoseconds` finish as `.idle`; tombstones older than
    /// `tombstoneTimeoutNanoseconds` go; out-of-order data waiting longer than
    /// `pendingDataAgeNanoseconds` is flushed past its hole as a gap.
    ///
    /// `ingest` calls this once per second of capture time; call it as well when a live
    /// capture has been quiet for a while. Cost: proportional to the flows it finishes
    /// plus the flows holding buffered data.
    public mutating func expire(now: Timestamp, finished: (consuming Handler, FlowEnd, FlowStart) -> Void) {
        while let oldest = leastRecentFlow(),
            now.nanoseconds(since: flows[oldest].lastSeen) >= limits.idleTimeoutNanoseconds,
            finish(oldest, .idle, tombstone: false, finished: finished)
        {
            counters.idleExpiries += 1
        }
        _ = tombstones.expire(now: now, timeout: tombstoneTimeoutNanoseconds)
        // Backwards, so that a flow leaving the list (swapped with the last entry) never
        // moves an unvisited one.
        var position = buffering.count - 1
        while position >= 0 {
            if position < buffering.count {
                let slot = buffering[position]
                flushAged(slot, direction: .initiator, now: now)
                flushAged(slot, direction: .responder, now: now)
                if halves[2 * slot].finDelivered && halves[2 * slot + 1].finDelivered {
                    counters.flowsClosed += 1
                    finish(slot, .closed, tombstone: true, finished: finished)
                }
            }
            position -= 1
        }
    }

    /// Skips the holes of one direction for as long as the oldest data waiting behind
    /// one has waited `pendingDataAgeNanoseconds` or more.
    mutating func flushAged(_ slot: Int, direction: StreamDirection, now: Timestamp) {
        let half = 2 * slot + Int(direction.rawValue)
        let costBefore = halves[half].pendingCost
        let box = materialize(slot)
        while let oldest = halves[half].oldestWaiting,
            now.nanoseconds(since: oldest) >= limits.pendingDataAgeNanoseconds,
            halves[half].skipHole(handler: &box.handler, direction: direction, counters: &counters)
        {
            counters.pendingAgeFlushes += 1
        }
        account(slot, costChange: halves[half].pendingCost - costBefore)
    }

    /// Finishes every open flow as `.endOfCapture`, in order of creation, after
    /// delivering what each buffered (after gaps); drops all tombstones.
    public mutating func finishAll(finished: (consuming Handler, FlowEnd, FlowStart) -> Void) {
        var open: [(serial: UInt64, slot: Int)] = []
        open.reserveCapacity(index.count)
        for slot in index.slots where slot >= 0 && slot < flows.count { open.append((flows[slot].serial, slot)) }
        open.sort { $0.serial < $1.serial }
        for entry in open {
            counters.flowsOpenAtEnd += 1
            finish(entry.slot, .endOfCapture, tombstone: false, finished: finished)
        }
        tombstones.removeAll()
    }
}
