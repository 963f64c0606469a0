/// A TCP sequence number with serial-number arithmetic (RFC 1982; RFC 9293, section 3.4).
///
/// Sequence numbers wrap at 2^32, so they have no total order: `a` is before `b` when the
/// signed 32-bit distance from `a` to `b` is positive. Comparisons and distances are only
/// meaningful between numbers less than 2^31 apart, which reassembly guarantees by
/// ignoring segments more than `SeqNum.plausibleWindow` ahead.
public struct SeqNum: Sendable, Hashable, CustomStringConvertible {
    /// The 32-bit value from the header.
    public var raw: UInt32

    /// Wraps a 32-bit value from the header.
    public init(_ raw: UInt32) { self.raw = raw }

    /// Bytes of sequence space ahead of the expected number beyond which a segment is
    /// not plausible for the connection (1 GiB): such segments are counted as malformed
    /// and ignored, never buffered.
    public static let plausibleWindow = 1 << 30

    /// The signed distance from `self` to `other` (`Int32(bitPattern: other - self)`):
    /// positive when `other` comes after `self`.
    public func distance(to other: SeqNum) -> Int {
        Int(Int32(bitPattern: other.raw &- raw))
    }

    /// This number moved forward by `count` bytes of sequence space, wrapping at 2^32.
    /// Callers pass counts below 2^31 (segment lengths and distances).
    public func advanced(by count: Int) -> SeqNum {
        SeqNum(raw &+ UInt32(truncatingIfNeeded: count))
    }

    /// Whether `self` comes strictly before `other` in serial-number order.
    public func isBefore(_ other: SeqNum) -> Bool { distance(to: other) > 0 }

    /// The decimal value.
    public var description: String { String(raw) }
}
