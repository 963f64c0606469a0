/// Where the pattern finder holds each count: from a server and a count's key (attribute
/// code and value number) to the count's place in the finder's pool, so a flow's eleven
/// counts are found by eleven independent probes, not by a walk over the server's counts
/// (a chain of dependent loads, each a likely cache miss, as long as the server has counts).
///
/// An open-addressing table (linear probing, at most three quarters full, counts are never
/// removed) of 4-byte entries: the place plus one in the low 20 bits, 12 bits of the hash
/// above them, so a probe reads the pool only when those agree. The keys are not stored:
/// `matches` compares the pool's count (and the server owning its chunk) with the key.
///
/// The hashed values are numbers the finder gives out in order (server places, value
/// numbers), not bytes from the capture, so a capture cannot choose them to collide.
struct CountIndex {
    /// Entries: 0 marks a free place; else `tag << 20 | (place + 1)`.
    private var entries: [UInt32] = []
    private var mask = 0
    /// 64 less the bits of a place.
    private var shift = 64
    /// Counts indexed.
    private(set) var count = 0
    /// Pool places an entry can name.
    static let maxPlaces = 1 << 20 - 1

    /// The hash of a server's count key.
    @inline(__always)
    static func hash(server: Int, key: UInt32) -> UInt64 {
        (UInt64(truncatingIfNeeded: server) << 32 | UInt64(key)) &* 0x9e37_79b9_7f4a_7c15
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 20) & 0xfff }

    @inline(__always)
    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(shift)) & mask }

    /// The pool place of the count whose key hashes to `hash`, if indexed; `matches` says
    /// whether the count at a place is the one looked for.
    @inline(__always)
    func find(hash: UInt64, matches: (Int) -> Bool) -> Int? {
        guard count > 0 else { return nil }
        let tag = Self.tag(hash)
        var place = home(hash)
        while true {
            let entry = entries[place]
            if entry == 0 { return nil }
            if entry >> 20 == tag {
                let found = Int(entry & 0xf_ffff) - 1
                if matches(found) { return found }
            }
            place = (place + 1) & mask
        }
    }

    /// The pool place named by the entry at the home of `hash` when its tag agrees, else -1:
    /// one load and no probe, so that a caller can load the homes of several keys together
    /// (each a likely cache miss) before it checks any; `find` gives the same place when the
    /// count there is the one looked for.
    @inline(__always)
    func candidate(hash: UInt64) -> Int {
        guard count > 0 else { return -1 }
        let entry = entries[home(hash)]
        return entry != 0 && entry >> 20 == Self.tag(hash) ? Int(entry & 0xf_ffff) - 1 : -1
    }

    /// Whether one more count needs a larger table (`grow`) first.
    var isFull: Bool { (count + 1) * 4 > entries.count * 3 }

    /// Indexes the count at pool place `found` (not indexed yet), whose key hashes to
    /// `hash`; false, and nothing indexed, when the table `isFull` or `found` is not below
    /// `maxPlaces`.
    @discardableResult
    mutating func insert(_ found: Int, hash: UInt64) -> Bool {
        guard !isFull, found >= 0, found < Self.maxPlaces else { return false }
        place(Self.tag(hash) << 20 | UInt32(truncatingIfNeeded: found + 1), hash: hash)
        count += 1
        return true
    }

    private mutating func place(_ entry: UInt32, hash: UInt64) {
        var place = home(hash)
        while entries[place] != 0 { place = (place + 1) & mask }
        entries[place] = entry
    }

    /// Doubles the table; `hashOf` gives the hash of the count at each indexed place.
    mutating func grow(_ hashOf: (Int) -> UInt64) {
        let old = entries
        let size = max(1024, entries.count * 2)
        entries = Array(repeating: 0, count: size)
        mask = size - 1
        shift = 64 - size.trailingZeroBitCount
        for entry in old where entry != 0 {
            place(entry, hash: hashOf(Int(entry & 0xf_ffff) - 1))
        }
    }
}
