import AutopsyFlow
import AutopsyPackets
import Testing

@testable import AutopsyDiagnosis
@testable import AutopsyTLS

/// `TextLine` builds the same text as `String`'s own interpolation.
@Suite struct TextLineTests {
    @Test func matchesStringInterpolation() {
        let address = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 2)
        let subject = "CN=müller.example, O=Ünïcödé 日本"
        let empty = ""
        let long = String(repeating: "x", count: 1_000)
        let frame: UInt64 = 18_446_744_073_709_551_615
        let negative = -42
        let line: TextLine =
            "frame \(frame): [\(address)]:\(443) sent '\(subject)'\(empty) \(negative) \(long)!"
        #expect(
            line.text == "frame \(frame): [\(address)]:\(443) sent '\(subject)'\(empty) \(negative) \(long)!")
        #expect(line.text.utf8.count == 1_000 + 99)
    }

    @Test func literalAloneAndValueAlone() {
        let plain: TextLine = "no values here"
        #expect(plain.text == "no values here")
        let value = "only"
        let alone: TextLine = "\(value)"
        #expect(alone.text == "only")
        let nothing: TextLine = ""
        #expect(nothing.text.isEmpty)
    }

    @Test func substringsAndLongValuesPastTheReservedRoom() {
        let words = "alpha beta gamma delta"
        let parts = words.split(separator: " ").map(String.init)
        let many = String(repeating: "0123456789", count: 20)
        let line: TextLine = "\(parts[1])-\(parts[3]):\(many)\(many)"
        #expect(line.text == "beta-delta:" + many + many)
    }

    /// Integers are written digit by digit, not through `description`: every width and
    /// sign, the extremes of `Int64` and values past it (through `description`).
    @Test func integersAsTheirDescriptions() {
        let values: [any BinaryInteger] = [
            0, 7, 10, 99, 100, -1, -10, Int64.min, Int64.max, UInt64.max, UInt8(255), Int16(-32_768), UInt16(443),
        ]
        for value in values {
            let line: TextLine = "<\(value)>"
            #expect(line.text == "<\(String(describing: value))>")
        }
        let minimum = Int64.min
        let line: TextLine = "\(minimum) \(UInt32.max) \(Int8.min)"
        #expect(line.text == "-9223372036854775808 4294967295 -128")
    }

    /// An endpoint as a client takes it: IPv6 in brackets.
    @Test func endpointsAsAddresses() {
        let v4 = Endpoint(ip: IPAddress(ipv4: 0x0a00_0002), port: 443)
        let v6 = Endpoint(ip: IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 2), port: 8443)
        let line: TextLine = "\(address: v4) and \(address: v6)"
        #expect(line.text == "10.0.0.2:443 and [2001:db8::2]:8443")
    }

    /// `append(line:)` adds the line's text.
    @Test func linesAppendedToEvidence() {
        var evidence = ["first"]
        let frame = 12
        evidence.append(line: "frame \(frame): second")
        #expect(evidence == ["first", "frame 12: second"])
    }

    /// Times to the second and alerts as `TimeFormat` and `AlertMeaning` spell them.
    @Test func timesAndAlertsAsTheirOwnTexts() {
        let times = [
            Timestamp(seconds: 0, nanoseconds: 0), Timestamp(seconds: 1_704_067_199, nanoseconds: 999_999_999),
            Timestamp(seconds: -86_401, nanoseconds: 0), Timestamp(seconds: 253_402_300_800, nanoseconds: 0),
        ]
        for time in times {
            let line: TextLine = "at \(seconds: time)."
            #expect(line.text == "at " + TimeFormat.rfc3339Seconds(time) + ".")
        }
        let leap: TextLine = "\(seconds: Timestamp(seconds: 951_782_400, nanoseconds: 0))"
        #expect(leap.text == "2000-02-29T00:00:00Z")
        let alert = AlertMessage(level: AlertLevel(rawValue: 2), description: AlertDescription(rawValue: 40))
        let line: TextLine = "sent \(alert: alert)"
        #expect(line.text == "sent fatal alert handshake_failure (40)")
        let unknown = AlertMessage(level: AlertLevel(rawValue: 9), description: AlertDescription(rawValue: 250))
        let odd: TextLine = "\(alert: unknown)"
        #expect(odd.text == "\(unknown.level.description) alert \(unknown.description.description) (250)")
    }
}
