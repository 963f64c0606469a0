import AutopsyX509
import Testing

@Suite struct NameMatchTests {
    private static func summary(dns: [String] = [], ip: [String] = [], cn: String? = nil) -> CertificateSummary {
        var summary = CertificateSummary.summarize([])
        summary.parseError = nil
        summary.sanDNS = dns
        summary.sanIP = ip
        summary.commonName = cn
        return summary
    }

    @Test(arguments: [
        ("api.example.test", ["api.example.test"], NameMatch.matchesSAN),
        ("API.Example.TEST", ["api.example.test"], .matchesSAN),
        ("api.example.test.", ["api.example.test"], .matchesSAN),
        ("a.example.test", ["*.example.test"], .matchesWildcard),
        ("A.EXAMPLE.test", ["*.Example.Test"], .matchesWildcard),
        ("a.b.example.test", ["*.example.test"], .mismatch),
        ("example.test", ["*.example.test"], .mismatch),
        ("a.test", ["*.test"], .mismatch),
        ("other.test", ["api.example.test", "www.example.test"], .mismatch),
        ("fooexample.test", ["*example.test"], .mismatch),
        ("www.example.test", ["example.test", "*.example.test"], .matchesWildcard),
        ("", ["api.example.test"], .mismatch),
    ])
    func dnsNames(name: String, sans: [String], expected: NameMatch) {
        #expect(
            CertificateSummary.nameMatches(name, summary: Self.summary(dns: sans, cn: "api.example.test")) == expected)
    }

    @Test func commonNameCountsOnlyWithoutSANs() {
        let cnOnly = Self.summary(cn: "api.example.test")
        #expect(CertificateSummary.nameMatches("api.example.test", summary: cnOnly) == .cnOnlyMatch)
        #expect(CertificateSummary.nameMatches("other.example.test", summary: cnOnly) == .cnOnlyMismatch)
        #expect(!NameMatch.cnOnlyMatch.isMatch)
        let wildcardCN = Self.summary(cn: "*.example.test")
        #expect(CertificateSummary.nameMatches("a.example.test", summary: wildcardCN) == .cnOnlyMatch)
        // With SANs the CN is ignored.
        let both = Self.summary(dns: ["www.example.test"], cn: "api.example.test")
        #expect(CertificateSummary.nameMatches("api.example.test", summary: both) == .mismatch)
        #expect(CertificateSummary.nameMatches("x", summary: Self.summary()) == .cnOnlyMismatch)
    }

    @Test func addressesMatchIPSANsOnly() {
        let summary = Self.summary(dns: ["192.0.2.1"], ip: ["192.0.2.7", "2001:db8::1"], cn: "192.0.2.9")
        #expect(CertificateSummary.nameMatches("192.0.2.7", summary: summary) == .matchesSAN)
        #expect(CertificateSummary.nameMatches("2001:DB8:0:0::1", summary: summary) == .matchesSAN)
        #expect(CertificateSummary.nameMatches("[2001:db8::1]", summary: summary) == .matchesSAN)
        // A dNSName or CN holding the address does not count.
        #expect(CertificateSummary.nameMatches("192.0.2.1", summary: summary) == .mismatch)
        #expect(CertificateSummary.nameMatches("192.0.2.9", summary: Self.summary(cn: "192.0.2.9")) == .cnOnlyMismatch)
        #expect(NameMatch.matchesSAN.isMatch && NameMatch.matchesWildcard.isMatch)
    }
}
