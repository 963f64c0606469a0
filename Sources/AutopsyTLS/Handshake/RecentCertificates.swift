/// The certificates (DER) of the Certificate messages parsed lately (a `RecentByteStrings`),
/// one per slot chosen by a hash of a certificate's last bytes (its signature's, as good as
/// random). A server sends the same chain to every client, and a capture holds many flows to
/// each server: a certificate found here is compared with the wire bytes once and needs no
/// array of its own (its bytes are not copied into new memory flow after flow), and what
/// compares certificates later (the summaries kept by DER, the chain check's recent chains,
/// `CertificateSummary.sameDER`) finds it equal to the one it holds at once (one buffer)
/// instead of byte by byte. One table belongs to one thread. At most `slots` certificates of
/// at most `longestKept` bytes: 1 MiB whatever the traffic (a chain of three common
/// certificates is 3 to 5 KB).
public final class RecentCertificates {
    static let slots = 128
    /// Longer certificates (up to 16 MB on the wire; real ones seldom pass 2 KB) are read
    /// and not kept.
    static let longestKept = 8_192
    /// Bytes hashed from the end of a certificate to choose its slot.
    static let hashedTail = 32

    private var kept = RecentByteStrings<Void>(slots: slots, longestKept: longestKept, hashedTail: hashedTail)

    /// An empty table.
    public init() {}

    /// The certificate left in `cursor` (all its bytes, read as `readRemaining` reads them):
    /// the kept array when its slot holds these bytes, else a new one, then kept.
    func read(_ cursor: inout ByteCursor) -> [UInt8] {
        kept.read(&cursor) { _ in }.bytes
    }

    /// How many certificates are kept.
    public var count: Int { kept.count }
}
