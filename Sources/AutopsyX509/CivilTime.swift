/// Seconds since 1970-01-01T00:00:00Z of a proleptic Gregorian UTC date and time, without
/// Foundation's calendars (Howard Hinnant's days-from-civil algorithm). Fields out of range
/// give nil.
func epochSeconds(year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int) -> Int64? {
    guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hours), (0...59).contains(minutes),
        (0...60).contains(seconds), (0...9999).contains(year)
    else { return nil }
    let shiftedYear = Int64(month <= 2 ? year - 1 : year)
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
    let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return days * 86_400 + Int64(hours) * 3_600 + Int64(minutes) * 60 + Int64(seconds)
}

/// The UTC day number (days since 1970-01-01) of a count of seconds since the epoch.
func epochDay(_ seconds: Int64) -> Int64 {
    seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
}
