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
}
