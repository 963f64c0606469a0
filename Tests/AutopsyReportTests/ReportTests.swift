import AutopsyFlow
import AutopsyPackets
import Testing

@testable import AutopsyFlow
@testable import AutopsyReport

@Suite struct JSONWriterTests {
    @Test func escapesStringsPerRFC8259() {
        var json = JSONWriter()
        json.beginObject()
        json.string("s", "a\"b\\c\nd\u{01}é")
        json.endObject()
        #expect(json.text == "{\"s\":\"a\\\"b\\\\c\\nd\\u0001é\"}")
    }

    @Test func keepsTheOrderFieldsAreWrittenIn() {
        var json = JSONWriter()
        json.beginObject()
        json.int("z", 1)
        json.string("a", nil)
        json.beginArray("m")
        json.int(nil, 2)
        json.bool(nil, true)
        json.endArray()
        json.endObject()
        #expect(json.text == "{\"z\":1,\"a\":null,\"m\":[2,true]}")
    }

    /// The word-at-a-time escape check agrees with a byte-by-byte one: every byte value, at
    /// every place of strings of 1 to 20 bytes, among letters and multi-byte UTF-8.
    @Test func cleanCheckAgreesWithEveryByte() {
        for length in 1...20 {
            for place in 0..<length {
                for value in UInt8.min...UInt8.max {
                    var text = Array(repeating: place % 2 == 0 ? UInt8(ascii: "a") : 0xC3, count: length)
                    text[place] = value
                    let expected = !text.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
                    let clean = text.withUnsafeBufferPointer { JSONWriter.isClean($0) }
                    if clean != expected { Issue.record("byte \(value) at \(place) of \(length)") }
                }
            }
        }
    }

    /// Past its first 8 KiB the writer's buffer grows, keys, strings and numbers intact.
    @Test func growsPastItsFirstBufferWithExtremeNumbers() {
        var json = JSONWriter()
        json.beginArray()
        var expected = "["
        for index in 0..<3_000 {
            json.string(nil, "value-\(index)")
            expected += (index == 0 ? "" : ",") + "\"value-\(index)\""
        }
        json.int(nil, Int64.min)
        json.int(nil, UInt64.max)
        json.int(nil, 0)
        json.int(nil, -7)
        json.endArray()
        expected += ",-9223372036854775808,18446744073709551615,0,-7]"
        #expect(json.text == expected)
        #expect(json.bytes.count == expected.utf8.count)
        json.removeAll()
        json.beginObject()
        json.int("after", 1)
        json.endObject()
        #expect(json.text == "{\"after\":1}")
    }

    /// Members written without their object's braces, parts rendered ahead first or not:
    /// the bytes between an object's braces, with no leading comma.
    @Test func membersAloneAreTheBytesBetweenTheBraces() {
        let lists = Array(#""x":[1,2]"#.utf8)
        for renderedFirst in [false, true] {
            var json = JSONWriter()
            json.beginMembers()
            if renderedFirst { json.members(lists) }
            json.int("id", 7)
            json.beginObject("inner")
            json.bool("ok", true)
            json.endObject()
            let members = String(decoding: json.bytes, as: UTF8.self)
            #expect(members == (renderedFirst ? #""x":[1,2],"# : "") + #""id":7,"inner":{"ok":true}"#)
        }
    }

    /// Times written one after another by one writer (which keeps the text of the last time)
    /// read as `TimeFormat` spells each: runs of one time, of one second, of one fraction in
    /// different seconds, and times at random.
    @Test func timesInRunsReadAsEachAlone() {
        var rng = SystemRandomNumberGenerator()
        var times: [Timestamp] = []
        for _ in 0..<500 {
            let time = Timestamp(
                seconds: Int64.random(in: -70_000_000_000...260_000_000_000, using: &rng),
                nanoseconds: UInt32.random(in: 0..<1_000_000_000, using: &rng))
            times += [time, time, Timestamp(seconds: time.seconds, nanoseconds: time.nanoseconds / 7)]
            times.append(Timestamp(seconds: time.seconds &+ 1, nanoseconds: time.nanoseconds))
        }
        times += [Timestamp(seconds: 0, nanoseconds: 0), Timestamp(seconds: 0, nanoseconds: 999_999_999)]
        var json = JSONWriter()
        json.beginArray()
        for time in times { json.time(nil, time) }
        json.endArray()
        let expected = "[" + times.map { "\"" + TimeFormat.rfc3339($0) + "\"" }.joined(separator: ",") + "]"
        #expect(json.text == expected)
    }

    /// Integers of every width are written as Swift spells them, every pair of digits in
    /// every place included.
    @Test func integersOfEveryWidth() {
        var values: [Int64] = [0, 1, 9, 10, 99, 100, 101, 999, 1000, Int64.max, Int64.min, -1, -10, -99, -100]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power, power / 3]
        }
        values += (0..<2000).map { Int64($0) * 7919 % 1_000_003 }
        // Every pair of digits in every place of a five-digit number.
        for pair in Int64(0)..<100 {
            values += [pair, pair * 100 + 7, pair * 10_101 + 1]
        }
        for value in values {
            var json = JSONWriter()
            json.int(nil, value)
            #expect(json.text == String(value))
        }
        var json = JSONWriter()
        json.int(nil, UInt64.max)
        #expect(json.text == String(UInt64.max))
    }

    /// Runs of every length up to 40 bytes are copied whole (short ones word by word), after
    /// and between others, and strings of those lengths are quoted whole.
    @Test func runsOfEveryLengthAreCopiedWhole() {
        var expected: [UInt8] = []
        var json = JSONWriter()
        for length in 0...40 {
            let run = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            json.raw(UInt8(ascii: "|"))
            json.members(run)
            json.rawString(String(decoding: run, as: UTF8.self))
            // Outside any object: no commas.
            expected += [UInt8(ascii: "|")] + run + [UInt8(ascii: "\"")] + run + [UInt8(ascii: "\"")]
        }
        #expect(json.bytes.count == expected.count)
        #expect(json.bytes == expected)
    }

    /// Parts rendered ahead are copied in with the commas a field-by-field write gives;
    /// empty members add nothing, not even a comma.
    @Test func partsRenderedAheadJoinToTheFlatText() {
        let certificate = Array(#"{"subject":"CN=a"}"#.utf8)
        var json = JSONWriter()
        json.beginObject()
        json.int("id", 7)
        json.members(Array(#""x":[1,2],"y":null"#.utf8))
        json.members([])
        json.beginArray("certificates")
        json.object(certificate)
        json.object(certificate)
        json.endArray()
        json.endObject()
        let expected = #"{"id":7,"x":[1,2],"y":null,"certificates":[{"subject":"CN=a"},{"subject":"CN=a"}]}"#
        #expect(json.text == expected)
        #expect(json.bytes == Array(expected.utf8))
    }

    @Test(arguments: [
        (0.0123, 4, "0.0123"), (1.5, 0, "2"), (12.345678, 6, "12.345678"), (-0.25, 2, "-0.25"),
        (0.0000004, 6, "0.000000"),
    ])
    func fixedDecimalsAreDeterministic(value: Double, decimals: Int, expected: String) {
        #expect(JSONWriter.formatFixed(value, decimals: decimals) == expected)
        // The writer spells it alike, digit by digit.
        var json = JSONWriter()
        json.fixed(nil, value, decimals: decimals)
        #expect(json.text == expected)
    }

    /// Fixed decimals as the plain string arithmetic spells them (the reference below),
    /// on durations as flows have them and the edges.
    static func reference(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(Int64(value)) }
        let units = Int64(scaled)
        var fraction = String(units % Int64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        let sign = value < 0 && units != 0 ? "-" : ""
        return decimals == 0 ? "\(sign)\(units / Int64(scale))" : "\(sign)\(units / Int64(scale)).\(fraction)"
    }

    @Test func fixedDigitsMatchTheStringArithmetic() {
        var values: [Double] = [0, -0.0, 1e-7, 0.5, 0.9999995, 1e15, 8.9e9, 9.1e9, -3.25, .infinity, -.infinity, .nan]
        var state: UInt64 = 1
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Double(state >> 20) / 1e9 * (state & 1 == 0 ? 1 : -1))
        }
        for value in values {
            for decimals in [0, 1, 3, 6] {
                var json = JSONWriter()
                json.fixed(nil, value, decimals: decimals)
                #expect(json.text == Self.reference(value, decimals: decimals), "\(value) \(decimals)")
                #expect(JSONWriter.formatFixed(value, decimals: decimals) == json.text)
            }
        }
    }

    /// A duration past Int64 (a hostile capture's timestamps far apart) is written as a
    /// JSON number, not a trap.
    @Test func hugeFixedValuesStayNumbers() {
        #expect(JSONWriter.formatFixed(1e19, decimals: 6) == "1e+19")
        #expect(JSONWriter.formatFixed(-9.3e18, decimals: 3) == "-9.3e+18")
        #expect(JSONWriter.formatFixed(9e17, decimals: 6) == "900000000000000000")
        #expect(JSONWriter.formatFixed(1.5, decimals: -2) == "2")
    }
}

@Suite struct TimeFormatTests {
    @Test(arguments: [
        (Int64(0), UInt32(0), "1970-01-01T00:00:00.000000Z"),
        (1_795_860_000, 123_456_789, "2026-11-28T10:00:00.123456Z"),
        (951_782_400, 0, "2000-02-29T00:00:00.000000Z"),
        (-1, 999_999_999, "1969-12-31T23:59:59.999999Z"),
    ])
    func rfc3339InUTC(seconds: Int64, nanoseconds: UInt32, expected: String) {
        #expect(TimeFormat.rfc3339(Timestamp(seconds: seconds, nanoseconds: nanoseconds)) == expected)
    }

    @Test(arguments: [
        (Int64(1_795_860_000), "2026-11-28T10:00:00Z"), (-1, "1969-12-31T23:59:59Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"), (Int64.max, "9999-12-31T23:59:59Z"),
        (-62_135_596_800, "0001-01-01T00:00:00Z"), (Int64.min, "0001-01-01T00:00:00Z"),
    ])
    func toTheSecond(seconds: Int64, expected: String) {
        #expect(TimeFormat.rfc3339Seconds(Timestamp(seconds: seconds, nanoseconds: 999_999_999)) == expected)
    }

    @Test func toTheSecondIsTheFullTimeWithoutItsFraction() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let time = Timestamp(
                seconds: Int64.random(in: -70_000_000_000...260_000_000_000, using: &rng),
                nanoseconds: UInt32.random(in: 0..<1_000_000_000, using: &rng))
            let full = TimeFormat.rfc3339(time)
            #expect(TimeFormat.rfc3339Seconds(time) == String(full.prefix(19)) + "Z")
            #expect(TimeFormat.date(time) == String(full.prefix(10)))
        }
    }
}

@Suite struct ColorPolicyTests {
    @Test func colourOnlyOnATerminalAndNeverWithNoColor() {
        #expect(ColorPolicy.auto.enabled(isTerminal: true, environment: [:]))
        #expect(!ColorPolicy.auto.enabled(isTerminal: false, environment: [:]))
        #expect(!ColorPolicy.auto.enabled(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(!ColorPolicy.auto.enabled(isTerminal: true, environment: ["TERM": "dumb"]))
        #expect(ColorPolicy.always.enabled(isTerminal: false, environment: ["NO_COLOR": "1"]))
        #expect(!ColorPolicy.never.enabled(isTerminal: true, environment: [:]))
        #expect(Style(enabled: false).red("x") == "x")
        #expect(Style(enabled: true).red("x") == "\u{1b}[31mx\u{1b}[0m")
    }
}

/// The on-call report lists the patterns with the most failed flows first, ten at most, and
/// says how many more there are; verbose, every one in the summary's order.
@Suite struct OnCallPatternTests {
    static func summary(failures: [Int]) -> AnalysisSummary {
        var summary = AnalysisSummary()
        summary.patterns = failures.enumerated().map { index, failed in
            PatternStatement(
                server: "10.0.0.\(index + 1):443", serverName: nil, statement: "pattern \(index + 1)", failed: failed,
                succeeded: 3, attribute: "ja4")
        }
        return summary
    }

    static func patternLines(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "Patterns") else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    }

    @Test func theStrongestTenComeFirst() {
        let failures = [1, 7, 2, 7, 1, 9, 3, 1, 4, 5, 6, 2]
        let report = OnCallReport(style: Style(enabled: false))
        let lines = Self.patternLines(report.render(Self.summary(failures: failures)))
        #expect(lines.count == 11)
        #expect(
            lines.prefix(10).map { $0.split(separator: " ").last.map(String.init) ?? "" }
                == ["6", "2", "4", "11", "10", "9", "7", "3", "12", "1"])
        #expect(lines.last == "  ... and 2 more at servers with fewer failures (--verbose lists every pattern)")
    }

    @Test func verboseListsEveryPatternInOrder() {
        let report = OnCallReport(style: Style(enabled: false), patternsShown: nil)
        let lines = Self.patternLines(report.render(Self.summary(failures: Array(repeating: 1, count: 12))))
        #expect(lines.count == 12)
        #expect(lines.first == "  10.0.0.1:443: pattern 1")
        #expect(lines.last == "  10.0.0.12:443: pattern 12")
    }

    @Test func tenOrFewerAreAllListedStrongestFirst() {
        let report = OnCallReport(style: Style(enabled: false))
        let lines = Self.patternLines(report.render(Self.summary(failures: [2, 5, 1])))
        #expect(lines == ["  10.0.0.2:443: pattern 2", "  10.0.0.1:443: pattern 1", "  10.0.0.3:443: pattern 3"])
    }
}
