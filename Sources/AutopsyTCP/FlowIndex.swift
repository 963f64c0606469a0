/// Live flows by key: the flow table's index from a connection's key to its slot.
///
/// An open-addressing table (linear probing, at most half full, backward-shift deletion)
/// of 8-byte entries: the slot in the low half and the top 32 bits of the key's hash (its
/// tag, whose top bits pick the entry's first place) in the high half, so a probe compares
/// keys only when the tags agree, and an entry is moved without its key. The keys
/// themselves stay in the flow table's slots (`key(slot)`), and each slot keeps its key's
/// hash: a segment's key is hashed once, and creating or finishing its flow costs no
/// second hash.
///
/// The hash is drawn at random for each table from a universal family (`FlowHash`), so
/// keys crafted to collide cannot be made ahead of time: a capture of hostile flows costs
/// the same probes, on average, as any other.
struct FlowIndex {
    /// Entries: 0 marks a free place; else `tag << 32 | (slot + 1)`.
    private var entries: [UInt64] = []
    private var mask = 0
    /// 32 less the bits of a place (the table holds `1 << (32 - shift)` places).
    private var shift = 32
    /// This table's hash function.
    let hasher: FlowHash
    /// Live flows indexed.
    private(set) var count = 0
    /// Slots an entry can name (its low 32 bits hold the slot plus one); the flow table
    /// tracks no more flows than this, whatever `Limits.maxFlows` says.
    static let maxSlots = Int(UInt32.max) - 1

    /// An empty index hashing with `hasher` (a random one unless a test fixes it).
    init(hasher: FlowHash = FlowHash()) {
        self.hasher = hasher
    }

    /// The hash of a key (the same for both directions of a connection, like the key).
    @inline(__always)
    func hash(_ key: FlowKey) -> UInt64 { hasher.hash(key) }

    /// The slot of `key` (whose hash is `hash`), if it is live; `key(slot)` gives the key
    /// a slot holds.
    @inline(__always)
    func find(_ key: FlowKey, hash: UInt64, key keyOf: (Int) -> FlowKey) -> Int? {
        guard count > 0 else { return nil }
        let tag = Self.tag(hash)
        var place = home(hash)
        while true {
            let entry = entries[place]
            if entry == 0 { return nil }
            if entry >> 32 == tag {
                let slot = Int(truncatingIfNeeded: entry & 0xffff_ffff) - 1
                if keyOf(slot) == key { return slot }
            }
            place = (place + 1) & mask
        }
    }

    /// Whether `slot` is indexed (under its key's `hash`).
    func contains(slot: Int, hash: UInt64) -> Bool {
        placeOf(slot: slot, hash: hash) != nil
    }

    /// Indexes `slot`, whose key (with `hash`) is not indexed yet.
    mutating func insert(slot: Int, hash: UInt64) {
        if (count + 1) * 2 > entries.count { grow() }
        place(Self.tag(hash) << 32 | UInt64(truncatingIfNeeded: slot + 1))
        count += 1
    }

    /// Removes `slot` (indexed under its key's `hash`); returns whether it was indexed.
    @discardableResult
    mutating func remove(slot: Int, hash: UInt64) -> Bool {
        guard let found = placeOf(slot: slot, hash: hash) else { return false }
        entries[found] = 0
        count -= 1
        var shift = BackwardShift(emptied: found, mask: mask)
        while let move = shift.nextMove(isFree: { entries[$0] == 0 }, home: { homeOf(entries[$0]) }) {
            entries[move.to] = entries[move.from]
            entries[move.from] = 0
        }
        return true
    }

    /// The slots indexed, in no particular order.
    var slots: [Int] {
        entries.compactMap { $0 == 0 ? nil : Int(truncatingIfNeeded: $0 & 0xffff_ffff) - 1 }
    }

    // MARK: Internals

    /// The hash's top 32 bits (the family's guarantee is on its top bits).
    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt64 { hash >> 32 }

    /// An entry's first place: its tag's top bits (so it is known without the key).
    @inline(__always)
    private func homeOf(_ entry: UInt64) -> Int {
        Int(truncatingIfNeeded: (entry >> 32) >> UInt64(shift)) & mask
    }

    /// A hash's first place. Inlined: called, it took the index (its 104-byte hash
    /// function included) as a copy on the stack, about 40 instructions a packet.
    @inline(__always)
    private func home(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: Self.tag(hash) >> UInt64(shift)) & mask
    }

    private func placeOf(slot: Int, hash: UInt64) -> Int? {
        guard count > 0 else { return nil }
        let wanted = Self.tag(hash) << 32 | UInt64(truncatingIfNeeded: slot + 1)
        var place = home(hash)
        while true {
            let entry = entries[place]
            if entry == 0 { return nil }
            if entry == wanted { return place }
            place = (place + 1) & mask
        }
    }

    private mutating func place(_ entry: UInt64) {
        var place = homeOf(entry)
        while entries[place] != 0 { place = (place + 1) & mask }
        entries[place] = entry
    }

    private mutating func grow() {
        let old = entries
        let size = max(64, entries.count * 2)
        entries = Array(repeating: 0, count: size)
        mask = size - 1
        shift = max(0, 32 - size.trailingZeroBitCount)
        for entry in old where entry != 0 { place(entry) }
    }
}

/// A hash of flow keys drawn at random from a universal family: Thorup's pair-multiply-shift
/// over the key's twelve 32-bit parts `x0...x11`, with thirteen random 64-bit numbers `a0...a11, b`:
///
///     h = (x0 + a1)(x1 + a0) + (x2 + a3)(x3 + a2) + ... + (x10 + a11)(x11 + a10) + b   (mod 2^64)
///
/// whose top `m` bits collide for two different keys with probability at most 2^-m
/// (M. Thorup, "High Speed Hashing for Integers and Strings", 2015; also "How to pick a
/// hash function, part 2", sortingsearching.com, 2020). Six multiplications: a fraction of
/// the seeded SipHash of `Hasher`, and like it unknown to whoever made the capture.
struct FlowHash: Sendable {
    private let a: InlineArray<12, UInt64>
    private let b: UInt64

    /// A function drawn with the system's random numbers.
    init() {
        var generator = SystemRandomNumberGenerator()
        self.init(numbers: InlineArray<13, UInt64> { _ in generator.next() })
    }

    /// The function of thirteen given numbers (tests).
    init(numbers: InlineArray<13, UInt64>) {
        a = InlineArray<12, UInt64> { numbers[$0] }
        b = numbers[12]
    }

    /// The hash of a key: every field, always as twelve parts (an IPv4 address is its
    /// IPv4-mapped IPv6 form), so that keys of either family are hashed alike.
    @inline(__always)
    func hash(_ key: FlowKey) -> UInt64 {
        let ports = UInt64(key.lowerPort) << 16 | UInt64(key.upperPort)
        let vlan = UInt64(key.vlan.outer) << 16 | UInt64(key.vlan.inner)
        let flags =
            (key.lowerAddress.isIPv6 ? 1 : 0) | (key.upperAddress.isIPv6 ? 2 : 0) | UInt64(key.vlan.count) << 2
        var sum = b
        sum &+= pair(key.lowerAddress.high, 0)
        sum &+= pair(key.lowerAddress.low, 2)
        sum &+= pair(key.upperAddress.high, 4)
        sum &+= pair(key.upperAddress.low, 6)
        sum &+= (ports &+ a[9]) &* (vlan &+ a[8])
        sum &+= (flags &+ a[11]) &* a[10]
        return sum
    }

    /// The two 32-bit halves of `word` as parts `2i` (high) and `2i + 1`.
    @inline(__always)
    private func pair(_ word: UInt64, _ first: Int) -> UInt64 {
        ((word >> 32) &+ a[first + 1]) &* ((word & 0xffff_ffff) &+ a[first])
    }
}
