import AutopsyPackets

/// Keys of connections that were closed (FIN from both sides, or RST) or evicted, kept
/// for a while so their trailing ACKs and retransmitted FINs are absorbed instead of
/// starting a new, partial flow.
///
/// An entry is only the key and the time it was last hit (about 100 bytes with the
/// dictionary's share). Entries expire `timeout` after their last hit; past `capacity`
/// entries the least recently hit is dropped.
struct TombstoneTable {
    struct Entry {
        var key: FlowKey
        var lastSeen: Timestamp
    }

    private var index: [FlowKey: Int] = [:]
    private var entries: [Entry] = []
    private var free: [Int] = []
    private var order = LRUList()

    /// Tombstones held.
    var count: Int { index.count }

    /// The slot of the tombstone for `key`, if any.
    func lookup(_ key: FlowKey) -> Int? { index[key] }

    /// Records a hit: the tombstone lives on for another timeout.
    mutating func touch(_ slot: Int, at time: Timestamp) {
        guard slot >= 0, slot < entries.count else { return }
        if entries[slot].lastSeen < time { entries[slot].lastSeen = time }
        order.moveToFront(slot)
    }

    /// Adds (or refreshes) a tombstone; returns how many older ones were dropped to stay within `capacity`.
    mutating func insert(_ key: FlowKey, at time: Timestamp, capacity: Int) -> Int {
        if let slot = index[key] {
            touch(slot, at: time)
            return 0
        }
        var dropped = 0
        while index.count >= max(1, capacity), let oldest = order.leastRecent {
            remove(oldest)
            dropped += 1
        }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            entries[slot] = Entry(key: key, lastSeen: time)
        } else {
            slot = entries.count
            entries.append(Entry(key: key, lastSeen: time))
            order.reserveSlots(entries.count)
        }
        index[key] = slot
        order.moveToFront(slot)
        return dropped
    }

    /// Removes the tombstone in `slot`.
    mutating func remove(_ slot: Int) {
        guard slot >= 0, slot < entries.count, index[entries[slot].key] == slot else { return }
        index.removeValue(forKey: entries[slot].key)
        order.remove(slot)
        free.append(slot)
    }

    /// Drops tombstones not hit for `timeout` nanoseconds before `now`; returns how many.
    mutating func expire(now: Timestamp, timeout: Int64) -> Int {
        var expired = 0
        while let oldest = order.leastRecent, now.nanoseconds(since: entries[oldest].lastSeen) >= timeout {
            remove(oldest)
            expired += 1
        }
        return expired
    }

    /// Drops every tombstone.
    mutating func removeAll() {
        index = [:]
        entries = []
        free = []
        order = LRUList()
    }
}
