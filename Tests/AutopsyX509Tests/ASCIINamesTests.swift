import Testing

@testable import AutopsyX509

/// The ASCII name match gives what matching through lowercased copies (`textMatch`) gives,
/// for every pairing of awkward names and entries; texts that are not ASCII go that way.
@Suite struct ASCIINamesTests {
    static let names = [
        "a.example.test", "A.Example.TEST", "a.example.test.", "example.test", "b.a.example.test", "", ".", "..",
        "*.example.test", "a..example.test", ".example.test", "a.example.test..", "a.b", "a", "*", "a.*.test",
        "a.test", "xn--bcher-kva.example", "bücher.example.test", "a.EXAMPLE.test.",
    ]
    static let entries = [
        "*.example.test", "*.EXAMPLE.test.", "a.example.test", "A.example.test.", "example.test", "*.test", "*.",
        "*", "*.*.test", "*..test", "a*.example.test", "*.example..test", "*.example.test..", ".", "", "*.a.*",
        "**.example.test", "*.b", "*.BÜCHER.example.test", "*.example.tëst",
    ]

    static func summary(dns: [String], cn: String?) -> CertificateSummary {
        var summary = CertificateSummary.summarize([])
        summary.parseError = nil
        summary.sanDNS = dns
        summary.commonName = cn
        return summary
    }

    static func agree(_ name: String, _ summary: CertificateSummary) {
        let hasSAN = !summary.sanDNS.isEmpty
        let reference = CertificateSummary.textMatch(name, summary: summary, hasSAN: hasSAN)
        #expect(CertificateSummary.nameMatches(name, summary: summary) == reference, "\(name) \(summary.sanDNS)")
        let fast = ASCIINames.match(name, hasSAN ? summary.sanDNS : nil, commonName: summary.commonName)
        let ascii = ([name] + summary.sanDNS + [summary.commonName ?? ""]).allSatisfy {
            $0.utf8.allSatisfy { $0 < 0x80 }
        }
        if ascii { #expect(fast == reference, "\(name) \(summary.sanDNS) \(summary.commonName ?? "-")") }
    }

    @Test func oneEntryAndTheCommonName() {
        for name in Self.names {
            for entry in Self.entries {
                Self.agree(name, Self.summary(dns: [entry], cn: nil))
                Self.agree(name, Self.summary(dns: [], cn: entry))
            }
            Self.agree(name, Self.summary(dns: [], cn: nil))
        }
    }

    /// Two entries: an exact match anywhere wins over a wildcard anywhere.
    @Test func twoEntries() {
        for name in Self.names {
            for first in Self.entries {
                for second in Self.entries {
                    Self.agree(name, Self.summary(dns: [first, second], cn: "a.example.test"))
                }
            }
        }
    }

    /// Short texts over the bytes that matter (a label, its case, dots, stars), drawn
    /// from a fixed sequence: 20,000 pairings.
    @Test func drawnTexts() {
        let alphabet = Array("aA.*b".utf8)
        var state: UInt64 = 0x5eed
        func text() -> String {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 60) % 9
            var bytes: [UInt8] = []
            for index in 0..<length { bytes.append(alphabet[Int(state >> UInt64(4 * index + 8)) % alphabet.count]) }
            return String(decoding: bytes, as: UTF8.self)
        }
        for _ in 0..<10_000 {
            let name = text()
            Self.agree(name, Self.summary(dns: [text(), text()], cn: nil))
            Self.agree(name, Self.summary(dns: [], cn: text()))
        }
    }

    @Test func textsThatAreNotASCIIAreLeftToTheTextMatch() {
        #expect(ASCIINames.match("bücher.example.test", ["*.example.test"], commonName: nil) == nil)
        #expect(ASCIINames.match("a.example.test", ["*.example.tëst"], commonName: nil) == nil)
        #expect(ASCIINames.match("a.example.test", nil, commonName: "*.exämple.test") == nil)
        #expect(ASCIINames.match("A.Example.Test.", ["*.example.test"], commonName: nil) == .matchesWildcard)
    }
}
