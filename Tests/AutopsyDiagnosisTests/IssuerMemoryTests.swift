import AutopsyFlow
import AutopsyPackets
import Testing

@testable import AutopsyDiagnosis
@testable import AutopsyX509

/// The context remembers, per name, which issuers signed the leaves flows got, in how many
/// flows, and whether any of those chains was trusted (the interception evidence).
@Suite struct IssuerMemoryTests {
    static func flow(name: String, issuer: String, trusted: Bool, port: UInt16 = 443) -> FlowRecord {
        var record = FlowRecord(
            sequence: 1, firstTimestamp: Timestamp(seconds: 0, nanoseconds: 0), firstFrame: 1,
            client: Endpoint(ip: IPAddress(ipv4: 0x0A00_0001), port: 40_000),
            server: Endpoint(ip: IPAddress(ipv4: 0x0A00_0002), port: port), vlan: [])
        var leaf = CertificateSummary(sha256: "00", parseError: "")
        leaf.parseError = nil
        leaf.issuer = issuer
        leaf.subject = "CN=" + name
        record.certificateSummaries = [leaf]
        var assessment = ChainAssessment(time: record.firstTimestamp, name: name)
        assessment.trusted = trusted
        record.chainAssessment = assessment
        record.outcome = .failed
        return record
    }

    @Test func issuersAreCountedPerNameWithTrust() {
        let context = DiagnosisContext()
        // Without SNI the name is the server's address.
        let probe = Self.flow(name: "10.0.0.2", issuer: "CN=Probe", trusted: false)
        context.learn(Self.flow(name: "10.0.0.2", issuer: "CN=Real CA", trusted: true))
        context.learn(Self.flow(name: "10.0.0.2", issuer: "CN=Real CA", trusted: false))
        context.learn(Self.flow(name: "10.0.0.2", issuer: "CN=Proxy CA", trusted: false))
        let others = context.otherIssuers(for: probe, than: "CN=Probe")
        #expect(others.map(\.issuer) == ["CN=Proxy CA", "CN=Real CA"])
        #expect(others.map(\.flows) == [1, 2])
        #expect(others.map(\.trusted) == [false, true])
        #expect(context.otherIssuers(for: probe, than: "CN=Real CA").map(\.issuer) == ["CN=Proxy CA"])
    }

    /// The yes or no the interception rule decides on agrees with the list it then writes.
    @Test func aTrustedOtherIssuerIsTheListsYesOrNo() {
        let context = DiagnosisContext()
        let probe = Self.flow(name: "10.0.0.2", issuer: "CN=Probe", trusted: false)
        #expect(!context.trustedOtherIssuer(for: probe, than: "CN=Probe"))
        context.learn(Self.flow(name: "10.0.0.2", issuer: "CN=Proxy CA", trusted: false))
        #expect(!context.trustedOtherIssuer(for: probe, than: "CN=Probe"))
        context.learn(Self.flow(name: "10.0.0.2", issuer: "CN=Real CA", trusted: true))
        for issuer in ["CN=Probe", "CN=Proxy CA", "CN=Real CA"] {
            let listed = context.otherIssuers(for: probe, than: issuer).contains { $0.trusted }
            #expect(context.trustedOtherIssuer(for: probe, than: issuer) == listed)
        }
        #expect(!context.trustedOtherIssuer(for: probe, than: "CN=Real CA"))
        // Another server's issuers are not this one's (without SNI, a name is the address).
        var elsewhere = Self.flow(name: "10.0.0.9", issuer: "", trusted: false)
        elsewhere.server = Endpoint(ip: IPAddress(ipv4: 0x0A00_0009), port: 443)
        #expect(!context.trustedOtherIssuer(for: elsewhere, than: ""))
    }

    @Test func aNameKeepsSixtyFourIssuersAtMost() {
        let context = DiagnosisContext()
        for index in 0..<70 {
            context.learn(Self.flow(name: "10.0.0.2", issuer: "CN=CA \(index)", trusted: false))
        }
        // A known issuer is still counted past the cap.
        context.learn(Self.flow(name: "10.0.0.2", issuer: "CN=CA 3", trusted: true))
        let others = context.otherIssuers(for: Self.flow(name: "10.0.0.2", issuer: "", trusted: false), than: "")
        #expect(others.count == 64)
        #expect(!others.contains { $0.issuer == "CN=CA 64" })
        #expect(others.first { $0.issuer == "CN=CA 3" }.map { ($0.flows, $0.trusted) } ?? (0, false) == (2, true))
    }

    /// Chains recur as the same summaries; the subjects and leaves met last are tried before
    /// the sets: every subject sent and every leaf accepted must still be remembered, also
    /// those that dropped out of the recent ones long ago, and no other.
    @Test func subjectsAndLeavesAreRememberedPastTheRecentOnes() {
        let context = DiagnosisContext()
        func chain(_ index: Int, outcome: Outcome) -> FlowRecord {
            var record = Self.flow(name: "host\(index).example", issuer: "CN=Issuer \(index % 3)", trusted: true)
            var intermediate = CertificateSummary(sha256: "i\(index % 3)", parseError: "")
            intermediate.parseError = nil
            intermediate.subject = "CN=Issuer \(index % 3)"
            var leaf = record.certificateSummaries[0]
            leaf.sha256 = "leaf\(index)"
            record.certificateSummaries = [leaf, intermediate]
            record.outcome = outcome
            return record
        }
        // Twenty chains, each learned three times in turns (the same summaries each time).
        let chains = (0..<20).map { chain($0, outcome: $0 % 2 == 0 ? .established : .failed) }
        for _ in 0..<3 { for record in chains { context.learn(record) } }
        for index in 0..<20 {
            #expect(context.subjectSent("CN=host\(index).example"))
            #expect(context.leafAccepted("leaf\(index)") == (index % 2 == 0))
        }
        #expect((0..<3).allSatisfy { context.subjectSent("CN=Issuer \($0)") })
        #expect(!context.subjectSent("CN=Issuer 3") && !context.leafAccepted("i0"))
        // A failed flow's leaf met again in a success is accepted from then on.
        context.learn(chain(1, outcome: .resumed))
        #expect(context.leafAccepted("leaf1"))
    }
}
