/// Byte strings read from the wire lately, each with what was made of it, one per slot of a
/// table indexed by a hash of its bytes (of its last `hashedTail` bytes when they are more):
/// a newer string takes its slot. A string found here is compared with the wire bytes once
/// and needs no array (nor anything made of it) of its own, and what compares it later finds
/// it equal to the one it holds at once (one buffer). At most `slots` strings of at most
/// `longestKept` bytes; the table is made on the first string kept. `RecentNames` and
/// `RecentCertificates` are tables of this kind.
struct RecentByteStrings<Made> {
    typealias Entry = (bytes: [UInt8], made: Made)

    /// Slots: a power of two.
    let slots: Int
    /// Longer strings are read and not kept.
    let longestKept: Int
    /// Bytes hashed from the end of a string to choose its slot.
    let hashedTail: Int
    private var entries: [Entry?] = []

    init(slots: Int, longestKept: Int, hashedTail: Int = .max) {
        self.slots = slots
        self.longestKept = longestKept
        self.hashedTail = hashedTail
    }

    /// The slot of the bytes left in `cursor`.
    func slot(_ cursor: ByteCursor) -> Int {
        Int(truncatingIfNeeded: cursor.remainingHash(tail: hashedTail) & UInt64(slots - 1))
    }

    /// The bytes left in `cursor` (all of them, read as `readRemaining` reads them) and what
    /// `make` makes of them: the kept ones when their slot holds these bytes, else new ones,
    /// then kept.
    mutating func read(_ cursor: inout ByteCursor, _ make: ([UInt8]) -> Made) -> Entry {
        // Too long to keep: no slot can hold it, so it is neither hashed nor compared.
        guard cursor.remaining <= longestKept else {
            let bytes = cursor.readRemaining()
            return (bytes: bytes, made: make(bytes))
        }
        let slot = slot(cursor)
        if slot < entries.count, let kept = entries[slot], cursor.readRemaining(ifEqualTo: kept.bytes) {
            return kept
        }
        let bytes = cursor.readRemaining()
        let entry = (bytes: bytes, made: make(bytes))
        if entries.isEmpty { entries = Array(repeating: nil, count: slots) }
        if slot < entries.count { entries[slot] = entry }
        return entry
    }

    /// How many strings are kept.
    var count: Int { entries.count { $0 != nil } }
}
