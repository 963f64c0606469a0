import AutopsyPackets

/// Keys of connections that were closed (FIN from both sides, or RST) or evicted, kept
/// for a while so their trailing ACKs and retransmitted FINs are absorbed instead of
/// starting a new, partial flow.
///
/// A busy capture closes connections by the hundred thousand within one TIME-WAIT, so an
/// entry is small: the key's 64-bit fingerprint (a fixed mix of addresses, ports and VLAN
/// tags), the time it was last hit, a generation and its place in the expiry queue, about
/// 60 bytes with the index's share (a 200,000-connection minute costs 12 MB). Two keys sharing a fingerprint (about one chance
/// in 10^9 with 200,000 tombstones) would let one absorb the other's trailing packets.
///
/// Entries expire `timeout` after their last hit. They wait in a queue in the order they
/// were queued: an entry hit since then goes to the back when its turn comes instead of
/// expiring (so a hit never moves anything). Past `capacity` entries the oldest queued is
/// dropped.
struct TombstoneTable {
    struct Entry {
        var fingerprint: UInt64
        /// Nanoseconds since the epoch of the last hit.
        var lastSeen: Int64
        /// Counts reuses of the slot, so stale queue places are recognised.
        var generation: UInt32
        var live: Bool
    }

    /// A place in the expiry queue: a slot as it was when queued, and when.
    struct Place {
        var slot: UInt32
        var generation: UInt32
        var queuedAt: Int64
    }

    private var index: [UInt64: UInt32] = [:]
    private var entries: [Entry] = []
    private var free: [UInt32] = []
    /// The expiry queue, a ring: `queueCount` places from `queueHead`.
    private var queue: [Place] = []
    private var queueHead = 0
    private var queueCount = 0

    /// Tombstones held.
    var count: Int { index.count }

    /// The fingerprint of a key (deterministic: the same in every run).
    static func fingerprint(_ key: FlowKey) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
        func mix(_ value: UInt64) {
            hash = (hash ^ value) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
        }
        mix(key.lowerAddress.high)
        mix(key.lowerAddress.low)
        mix(key.upperAddress.high)
        mix(key.upperAddress.low)
        mix(UInt64(key.lowerPort) << 32 | UInt64(key.upperPort) << 16 | (key.lowerAddress.isIPv6 ? 1 : 0))
        mix(UInt64(key.vlan.count) << 32 | UInt64(key.vlan.outer) << 16 | UInt64(key.vlan.inner))
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }

    /// The slot of the tombstone for `key`, if any.
    func lookup(_ key: FlowKey) -> Int? { index[Self.fingerprint(key)].map { Int($0) } }

    /// Records a hit: the tombstone lives on for another timeout.
    mutating func touch(_ slot: Int, at time: Timestamp) {
        guard slot >= 0, slot < entries.count, entries[slot].live else { return }
        let nanoseconds = time.nanoseconds(since: .zero)
        if entries[slot].lastSeen < nanoseconds { entries[slot].lastSeen = nanoseconds }
    }

    /// Adds (or refreshes) a tombstone; returns how many older ones were dropped to stay within `capacity`.
    mutating func insert(_ key: FlowKey, at time: Timestamp, capacity: Int) -> Int {
        let fingerprint = Self.fingerprint(key)
        if let slot = index[fingerprint] {
            touch(Int(slot), at: time)
            return 0
        }
        var dropped = 0
        while index.count >= max(1, capacity), let oldest = popQueue() {
            guard isCurrent(oldest) else { continue }
            remove(Int(oldest.slot))
            dropped += 1
        }
        let entry = Entry(
            fingerprint: fingerprint, lastSeen: time.nanoseconds(since: .zero), generation: 0, live: true)
        let slot: UInt32
        if let reused = free.popLast() {
            slot = reused
            let generation = entries[Int(slot)].generation &+ 1
            entries[Int(slot)] = entry
            entries[Int(slot)].generation = generation
        } else {
            slot = UInt32(truncatingIfNeeded: entries.count)
            entries.append(entry)
        }
        index[fingerprint] = slot
        pushQueue(Place(slot: slot, generation: entries[Int(slot)].generation, queuedAt: entry.lastSeen))
        return dropped
    }

    /// Removes the tombstone in `slot` (its queue place goes stale).
    mutating func remove(_ slot: Int) {
        guard slot >= 0, slot < entries.count, entries[slot].live else { return }
        index.removeValue(forKey: entries[slot].fingerprint)
        entries[slot].live = false
        free.append(UInt32(truncatingIfNeeded: slot))
    }

    /// Drops tombstones not hit for `timeout` nanoseconds before `now`; returns how many.
    mutating func expire(now: Timestamp, timeout: Int64) -> Int {
        let current = now.nanoseconds(since: .zero)
        var expired = 0
        while let front = peekQueue() {
            guard isCurrent(front) else {
                _ = popQueue()
                continue
            }
            // The queue is in order of queueing: nothing behind a recent place is due.
            guard current &- front.queuedAt >= timeout else { break }
            _ = popQueue()
            let slot = Int(front.slot)
            if current &- entries[slot].lastSeen >= timeout {
                remove(slot)
                expired += 1
            } else {
                // Hit since it was queued: back in the queue as of its last hit.
                pushQueue(Place(slot: front.slot, generation: front.generation, queuedAt: entries[slot].lastSeen))
            }
        }
        return expired
    }

    /// Drops every tombstone.
    mutating func removeAll() {
        index = [:]
        entries = []
        free = []
        queue = []
        queueHead = 0
        queueCount = 0
    }

    // MARK: The queue

    /// Whether a queue place still stands for a live tombstone (not one removed or reused since).
    private func isCurrent(_ place: Place) -> Bool {
        let slot = Int(place.slot)
        return slot < entries.count && entries[slot].live && entries[slot].generation == place.generation
    }

    private func peekQueue() -> Place? {
        queueCount > 0 ? queue[queueHead] : nil
    }

    private mutating func popQueue() -> Place? {
        guard queueCount > 0 else { return nil }
        let place = queue[queueHead]
        queueHead = (queueHead + 1) % queue.count
        queueCount -= 1
        return place
    }

    private mutating func pushQueue(_ place: Place) {
        if queueCount == queue.count { growQueue() }
        queue[(queueHead + queueCount) % queue.count] = place
        queueCount += 1
    }

    /// Doubles the ring, unrolled from its head; stale places are left out.
    private mutating func growQueue() {
        var grown: [Place] = []
        grown.reserveCapacity(max(16, queue.count * 2))
        for offset in 0..<queueCount {
            let place = queue[(queueHead + offset) % queue.count]
            if isCurrent(place) { grown.append(place) }
        }
        queueCount = grown.count
        queueHead = 0
        while grown.count < max(16, queue.count * 2) { grown.append(Place(slot: 0, generation: 0, queuedAt: 0)) }
        queue = grown
    }
}
