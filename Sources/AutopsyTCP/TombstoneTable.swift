import AutopsyPackets

/// Keys of connections that were closed (FIN from both sides, or RST) or evicted, kept
/// for a while so their trailing ACKs and retransmitted FINs are absorbed instead of
/// starting a new, partial flow.
///
/// A busy capture closes connections by the hundred thousand within one TIME-WAIT, so an
/// entry is small: the key's 64-bit fingerprint (a fixed mix of addresses, ports and VLAN
/// tags) and the second it was last hit, in an open-addressing table (linear probing, at
/// most 80 % full), plus its place in the expiry queue: about 30 bytes per tombstone (a
/// 200,000-connection minute costs 6 MB). Two keys sharing a fingerprint (about one chance
/// in 10^9 with 200,000 tombstones) would let one absorb the other's trailing packets.
///
/// Entries expire `timeout` after their last hit, rounded up to the next whole second (never
/// early, at most a second late). They wait in a queue in the order they
/// were queued: an entry hit since then goes to the back when its turn comes instead of
/// expiring (so a hit never moves anything). Past `capacity` entries the oldest queued is
/// dropped. A place whose key was removed (and perhaps queued again since) is skipped or
/// treated as that key's; either way the key expires no earlier than `timeout` after its
/// last hit.
struct TombstoneTable {
    /// Fingerprints by slot; `empty` marks a free slot (fingerprints are never 0).
    private var keys: [UInt64] = []
    /// Each slot's last hit: seconds since the epoch, rounded up.
    private var lastSeen: [UInt32] = []
    private var mask = 0
    /// The expiry queue, a ring of `queueCount` places from `queueHead`: fingerprints and
    /// when each was queued.
    private var queueKeys: [UInt64] = []
    private var queueTimes: [UInt32] = []
    private var queueHead = 0
    private var queueCount = 0
    private static let empty: UInt64 = 0

    /// Tombstones held.
    private(set) var count = 0

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
        hash ^= hash >> 31
        return hash == empty ? 1 : hash
    }

    /// The slot of the tombstone for `key`, if any (valid until the table next changes).
    func lookup(_ key: FlowKey) -> Int? { find(Self.fingerprint(key)) }

    /// Records a hit: the tombstone lives on for another timeout.
    mutating func touch(_ slot: Int, at time: Timestamp) {
        guard slot >= 0, slot < keys.count, keys[slot] != Self.empty else { return }
        let second = Self.second(time)
        if lastSeen[slot] < second { lastSeen[slot] = second }
    }

    /// Adds (or refreshes) a tombstone; returns how many older ones were dropped to stay within `capacity`.
    mutating func insert(_ key: FlowKey, at time: Timestamp, capacity: Int) -> Int {
        let fingerprint = Self.fingerprint(key)
        if let slot = find(fingerprint) {
            touch(slot, at: time)
            return 0
        }
        var dropped = 0
        while count >= max(1, capacity), let oldest = popQueue() {
            guard let slot = find(oldest.key) else { continue }
            remove(slot)
            dropped += 1
        }
        if (count + 1) * 5 > keys.count * 4 { grow() }
        let second = Self.second(time)
        place(fingerprint, second)
        count += 1
        pushQueue(fingerprint, second)
        return dropped
    }

    /// Removes the tombstone in `slot`; the ones probed past it move back (its queue place
    /// is skipped when its turn comes).
    mutating func remove(_ slot: Int) {
        guard slot >= 0, slot < keys.count, keys[slot] != Self.empty else { return }
        keys[slot] = Self.empty
        count -= 1
        var shift = BackwardShift(emptied: slot, mask: mask)
        while let move = shift.nextMove(
            isFree: { keys[$0] == Self.empty }, home: { Int(truncatingIfNeeded: keys[$0]) & mask })
        {
            keys[move.to] = keys[move.from]
            lastSeen[move.to] = lastSeen[move.from]
            keys[move.from] = Self.empty
        }
    }

    /// Drops tombstones not hit for `timeout` nanoseconds before `now`; returns how many.
    mutating func expire(now: Timestamp, timeout: Int64) -> Int {
        let current = now.nanoseconds(since: .zero)
        var expired = 0
        while queueCount > 0 {
            let key = queueKeys[queueHead]
            let queuedAt = queueTimes[queueHead]
            // The queue is in order of queueing: nothing behind a recent place is due.
            guard current &- Self.nanoseconds(queuedAt) >= timeout else { break }
            _ = popQueue()
            guard let slot = find(key) else { continue }
            if current &- Self.nanoseconds(lastSeen[slot]) >= timeout {
                remove(slot)
                expired += 1
            } else {
                // Hit since it was queued: back in the queue as of its last hit.
                pushQueue(key, lastSeen[slot])
            }
        }
        return expired
    }

    /// Drops every tombstone.
    mutating func removeAll() {
        keys = []
        lastSeen = []
        mask = 0
        count = 0
        queueKeys = []
        queueTimes = []
        queueHead = 0
        queueCount = 0
    }

    /// A capture time as whole seconds since the epoch, rounded up (0 before the epoch,
    /// `UInt32.max` past 2106).
    static func second(_ time: Timestamp) -> UInt32 {
        let seconds = time.nanoseconds > 0 ? time.seconds &+ 1 : time.seconds
        return UInt32(clamping: max(seconds, 0))
    }

    static func nanoseconds(_ second: UInt32) -> Int64 { Int64(second) * 1_000_000_000 }

    // MARK: The table

    private func find(_ fingerprint: UInt64) -> Int? {
        guard !keys.isEmpty else { return nil }
        var slot = Int(truncatingIfNeeded: fingerprint) & mask
        while true {
            let held = keys[slot]
            if held == fingerprint { return slot }
            if held == Self.empty { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// Puts a fingerprint known to be absent in its slot (there is room).
    private mutating func place(_ fingerprint: UInt64, _ time: UInt32) {
        var slot = Int(truncatingIfNeeded: fingerprint) & mask
        while keys[slot] != Self.empty { slot = (slot + 1) & mask }
        keys[slot] = fingerprint
        lastSeen[slot] = time
    }

    /// Doubles the table (from 1,024 slots).
    private mutating func grow() {
        let oldKeys = keys
        let oldTimes = lastSeen
        let size = max(1_024, keys.count * 2)
        keys = Array(repeating: Self.empty, count: size)
        lastSeen = Array(repeating: 0, count: size)
        mask = size - 1
        for (slot, key) in oldKeys.enumerated() where key != Self.empty { place(key, oldTimes[slot]) }
    }

    // MARK: The queue

    private mutating func popQueue() -> (key: UInt64, time: UInt32)? {
        guard queueCount > 0 else { return nil }
        let place = (queueKeys[queueHead], queueTimes[queueHead])
        queueHead = (queueHead + 1) % queueKeys.count
        queueCount -= 1
        return place
    }

    private mutating func pushQueue(_ key: UInt64, _ time: UInt32) {
        if queueCount == queueKeys.count { growQueue() }
        let position = (queueHead + queueCount) % queueKeys.count
        queueKeys[position] = key
        queueTimes[position] = time
        queueCount += 1
    }

    /// Doubles the ring, unrolled from its head; places of removed keys are left out.
    private mutating func growQueue() {
        let size = max(16, queueKeys.count * 2)
        var grownKeys: [UInt64] = []
        var grownTimes: [UInt32] = []
        grownKeys.reserveCapacity(size)
        grownTimes.reserveCapacity(size)
        for offset in 0..<queueCount {
            let position = (queueHead + offset) % queueKeys.count
            if find(queueKeys[position]) != nil {
                grownKeys.append(queueKeys[position])
                grownTimes.append(queueTimes[position])
            }
        }
        queueCount = grownKeys.count
        queueHead = 0
        grownKeys.append(contentsOf: repeatElement(Self.empty, count: size - grownKeys.count))
        grownTimes.append(contentsOf: repeatElement(0, count: size - grownTimes.count))
        queueKeys = grownKeys
        queueTimes = grownTimes
    }
}
