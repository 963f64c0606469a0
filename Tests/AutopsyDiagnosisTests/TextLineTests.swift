import AutopsyPackets
import Testing

@testable import AutopsyDiagnosis

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
}
