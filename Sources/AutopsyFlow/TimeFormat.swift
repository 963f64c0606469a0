import AutopsyPackets

/// Capture times as text, computed from the timestamp alone (no wall clock, no time zone).
public enum TimeFormat {
    /// RFC 3339 in UTC with microseconds: `2026-11-22T10:00:00.123456Z`.
    public static func rfc3339(_ time: Timestamp) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        appendRFC3339(time, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 3339 in UTC to the second: `2027-01-01T00:00:00Z` (certificate validity). Made
    /// digit by digit like `appendRFC3339` (interpolation cost ten times more, and evidence
    /// lines quote dates flow after flow).
    public static func rfc3339Seconds(_ time: Timestamp) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        appendRFC3339Seconds(time, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `rfc3339Seconds(time)` as UTF-8, with no intermediate string.
    public static func appendRFC3339Seconds(_ time: Timestamp, to bytes: inout [UInt8]) {
        appendDateAndClock(civilParts(time.seconds), to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// `HH:MM:SS.mmm` in UTC, for the text report.
    public static func timeOfDay(_ time: Timestamp) -> String {
        let (_, secondsOfDay) = civil(time.seconds)
        return "\(clock(secondsOfDay)).\(pad(Int(time.nanoseconds / 1_000_000), 3))"
    }

    /// `YYYY-MM-DD` in UTC.
    public static func date(_ time: Timestamp) -> String { civil(time.seconds).date }

    private static func clock(_ secondsOfDay: Int64) -> String {
        "\(pad(Int(secondsOfDay / 3600), 2)):\(pad(Int(secondsOfDay / 60 % 60), 2)):\(pad(Int(secondsOfDay % 60), 2))"
    }

    /// Appends `rfc3339(time)` as UTF-8 digit by digit, with no intermediate string.
    public static func appendRFC3339(_ time: Timestamp, to bytes: inout [UInt8]) {
        appendDateAndClock(civilParts(time.seconds), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(Int(time.nanoseconds / 1000), 6, &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// `YYYY-MM-DDTHH:MM:SS`.
    private static func appendDateAndClock(
        _ parts: (year: Int64, month: Int64, day: Int64, secondsOfDay: Int64), to bytes: inout [UInt8]
    ) {
        appendDigits(Int(parts.year), 4, &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.month), 2, &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.day), 2, &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(Int(parts.secondsOfDay / 3600), 2, &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.secondsOfDay / 60 % 60), 2, &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.secondsOfDay % 60), 2, &bytes)
    }

    /// A non-negative number in at least `width` digits, zero-padded (as `pad`).
    public static func appendDigits(_ value: Int, _ width: Int, _ bytes: inout [UInt8]) {
        guard value >= 0, value < 1_000_000_000 else {
            bytes.append(contentsOf: pad(value, width).utf8)
            return
        }
        var divisor = 1
        var digits = 1
        while divisor * 10 <= value {
            divisor *= 10
            digits += 1
        }
        for _ in digits..<max(width, digits) { bytes.append(UInt8(ascii: "0")) }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(truncatingIfNeeded: rest / divisor) &+ UInt8(ascii: "0"))
            rest %= divisor
            divisor /= 10
        }
    }

    private static func civil(_ seconds: Int64) -> (date: String, secondsOfDay: Int64) {
        let parts = civilParts(seconds)
        return (
            "\(pad(Int(parts.year), 4))-\(pad(Int(parts.month), 2))-\(pad(Int(parts.day), 2))", parts.secondsOfDay
        )
    }

    /// Days since the epoch to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
    private static func civilParts(_ seconds: Int64) -> (year: Int64, month: Int64, day: Int64, secondsOfDay: Int64) {
        let clamped = max(min(seconds, 253_402_300_799), -62_135_596_800)
        var days = clamped / 86_400
        var secondsOfDay = clamped % 86_400
        if secondsOfDay < 0 {
            secondsOfDay += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secondsOfDay)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
