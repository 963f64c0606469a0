/// The certificates (DER) of the Certificate messages parsed lately, one per slot of a table
/// indexed by a hash of the certificate's length and last bytes (its signature's, as good
/// as random). A server sends the same chain to every client, and a capture holds many
/// flows to each server: a certificate found here is compared with the wire bytes once and
/// needs no array of its own (its bytes are not copied into new memory flow after flow),
/// and what compares certificates later (the summaries kept by DER, the chain check's
/// recent chains, `CertificateSummary.sameDER`) finds it equal to the one it holds at once
/// (one buffer) instead of byte by byte. One table belongs to one thread. At most `slots`
/// certificates of at most `longestKept` bytes: 1 MiB whatever the traffic (a chain of
/// three common certificates is 3 to 5 KB).
public final class RecentCertificates {
    static let slots = 128
    /// Longer certificates (up to 16 MB on the wire; real ones seldom pass 2 KB) are read
    /// and not kept.
    static let longestKept = 8_192
    /// Bytes hashed from the end of a certificate to choose its slot.
    static let hashedTail = 32

    /// Made on the first certificate kept; an empty array is an empty slot.
    private var entries: [[UInt8]] = []

    /// An empty table.
    public init() {}

    /// The certificate left in `cursor` (all its bytes, read as `readRemaining` reads them):
    /// the kept array when its slot holds these bytes, else a new one, then kept.
    func read(_ cursor: inout ByteCursor) -> [UInt8] {
        let count = cursor.remaining
        guard count > 0, count <= Self.longestKept else { return cursor.readRemaining() }
        let hash = cursor.remainingHash(tail: Self.hashedTail) ^ UInt64(truncatingIfNeeded: count)
        let slot = Int(truncatingIfNeeded: hash & UInt64(Self.slots - 1))
        if slot < entries.count, cursor.readRemaining(ifEqualTo: entries[slot]) { return entries[slot] }
        let der = cursor.readRemaining()
        if entries.isEmpty { entries = Array(repeating: [], count: Self.slots) }
        if slot < entries.count { entries[slot] = der }
        return der
    }

    /// How many certificates are kept.
    public var count: Int { entries.count { !$0.isEmpty } }
}
