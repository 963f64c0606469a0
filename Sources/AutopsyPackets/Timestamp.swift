/// A capture timestamp: seconds and nanoseconds since the Unix epoch, as libpcap gives it.
///
/// Capture time is the only clock the analysis uses (never the wall clock), so that
/// offline runs are deterministic and live runs behave the same.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// Nanoseconds within the second, 0 to 999,999,999.
    public var nanoseconds: UInt32

    /// Creates a timestamp; nanoseconds of a second or more are carried into `seconds`.
    public init(seconds: Int64, nanoseconds: UInt32) {
        let carry = Int64(nanoseconds / 1_000_000_000)
        self.seconds = seconds &+ carry
        self.nanoseconds = nanoseconds % 1_000_000_000
    }

    /// The Unix epoch.
    public static let zero = Timestamp(seconds: 0, nanoseconds: 0)

    /// Orders by seconds, then nanoseconds.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Nanoseconds from `earlier` to `self` (negative when `earlier` is later), saturating.
    public func nanoseconds(since earlier: Timestamp) -> Int64 {
        let (secondsDelta, overflow) = seconds.subtractingReportingOverflow(earlier.seconds)
        if overflow { return seconds < earlier.seconds ? Int64.min : Int64.max }
        let (scaled, overflow2) = secondsDelta.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow2 { return secondsDelta < 0 ? Int64.min : Int64.max }
        return scaled.addingReportingOverflow(Int64(nanoseconds) - Int64(earlier.nanoseconds)).partialValue
    }

    /// Seconds from `earlier` to `self`, as a floating-point number (the difference taken in
    /// floating point: timestamps of a hostile capture may lie further apart than Int64 holds).
    public func seconds(since earlier: Timestamp) -> Double {
        (Double(seconds) - Double(earlier.seconds)) + (Double(nanoseconds) - Double(earlier.nanoseconds)) / 1e9
    }

    /// This timestamp moved by `nanoseconds` (which may be negative), saturating.
    public func adding(nanoseconds delta: Int64) -> Timestamp {
        let total = Int64(nanoseconds) + delta % 1_000_000_000
        var secs = seconds.addingReportingOverflow(delta / 1_000_000_000).partialValue
        var nanos = total
        if nanos < 0 {
            nanos += 1_000_000_000
            secs = secs &- 1
        } else if nanos >= 1_000_000_000 {
            nanos -= 1_000_000_000
            secs = secs &+ 1
        }
        return Timestamp(seconds: secs, nanoseconds: UInt32(truncatingIfNeeded: nanos))
    }
}
