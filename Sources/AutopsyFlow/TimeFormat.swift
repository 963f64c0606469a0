import AutopsyPackets

/// Capture times as text, computed from the timestamp alone (no wall clock, no time zone).
public enum TimeFormat {
    /// RFC 3339 in UTC with microseconds: `2026-11-22T10:00:00.123456Z`.
    public static func rfc3339(_ time: Timestamp) -> String {
        let (date, secondsOfDay) = civil(time.seconds)
        let micros = Int(time.nanoseconds / 1000)
        return "\(date)T\(clock(secondsOfDay)).\(pad(micros, 6))Z"
    }

    /// RFC 3339 in UTC to the second: `2027-01-01T00:00:00Z` (certificate validity).
    public static func rfc3339Seconds(_ time: Timestamp) -> String {
        let (date, secondsOfDay) = civil(time.seconds)
        return "\(date)T\(clock(secondsOfDay))Z"
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

    /// Days since the epoch to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
    private static func civil(_ seconds: Int64) -> (date: String, secondsOfDay: Int64) {
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
        return ("\(pad(Int(year), 4))-\(pad(Int(month), 2))-\(pad(Int(day), 2))", secondsOfDay)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
