import AutopsyEngine
import AutopsyFlow
import AutopsyTestSupport
import Foundation
import Testing

/// End to end over the real captures of `shared/bench/templates`: each template holds one
/// connection made by a real TLS stack, and its manifest says how it ended.
@Suite struct BenchTemplateTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var outcome: Outcome
        var version: String?
        var cipher: String?
        var serverName: String?
        var alerts: [String]
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        .init(
            file: "tls13_ok.pcap", outcome: .established, version: "TLS 1.3", cipher: "TLS_AES_256_GCM_SHA384",
            serverName: "srv-000000.bench.example", alerts: []),
        .init(
            file: "tls13_ok_curl.pcap", outcome: .established, version: "TLS 1.3", cipher: "TLS_AES_256_GCM_SHA384",
            serverName: "srv-000000.bench.example", alerts: []),
        .init(
            file: "tls12_ok_chain3.pcap", outcome: .established, version: "TLS 1.2",
            cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", serverName: "srv-000000.bench.example", alerts: []),
        .init(
            file: "tls12_resumed.pcap", outcome: .resumed, version: "TLS 1.2",
            cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            serverName: "srv-000000.bench.example", alerts: []),
        .init(
            file: "tls13_hrr.pcap", outcome: .established, version: "TLS 1.3", cipher: "TLS_AES_256_GCM_SHA384",
            serverName: "srv-000000.bench.example", alerts: []),
        .init(
            file: "alert_handshake_failure.pcap", outcome: .failed, version: nil, cipher: nil,
            serverName: "srv-000000.bench.example", alerts: ["server:fatal:40"]),
        .init(
            file: "alert_unknown_ca.pcap", outcome: .failed, version: "TLS 1.2",
            cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            serverName: "srv-000000.bench.example", alerts: ["client:fatal:48"]),
        .init(
            file: "alert_protocol_version.pcap", outcome: .failed, version: nil, cipher: nil,
            serverName: "srv-000000.bench.example", alerts: ["server:fatal:70"]),
        .init(
            file: "rst_after_client_hello.pcap", outcome: .reset, version: nil, cipher: nil,
            serverName: "srv-000000.bench.example", alerts: []),
        .init(
            file: "ch_no_response.pcap", outcome: .noResponse, version: nil, cipher: nil,
            serverName: "srv-000000.bench.example", alerts: []),
    ]

    static func analyze(_ path: String) throws -> (records: [FlowRecord], summary: AnalysisSummary) {
        let analyzer = Analyzer(options: AnalysisOptions())
        var records: [FlowRecord] = []
        try analyzer.analyze(path: path) { records.append($0) }
        return (records, analyzer.summary)
    }

    @Test(arguments: expectations)
    func eachTemplateEndsAsItsManifestSays(_ expected: Expectation) throws {
        guard let shared = TestPaths.shared else {
            Issue.record("shared/ is not beside the repository; set TLSAUTOPSY_SHARED")
            return
        }
        let path = shared.appendingPathComponent("bench/templates/\(expected.file)").path
        let (records, summary) = try Self.analyze(path)
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.outcome == expected.outcome)
        #expect(record.version?.description == expected.version)
        #expect(record.cipher?.description == expected.cipher)
        #expect(record.serverName == expected.serverName)
        let plaintextAlerts = record.alerts.compactMap { alert in
            alert.alert.map { "\(alert.from.rawValue):\($0.level.description):\($0.description.rawValue)" }
        }
        #expect(plaintextAlerts == expected.alerts)
        #expect(record.tcp.syn)
        #expect(summary.flows == 1)
        #expect(summary.malformedRecords == 0)
    }

    @Test func helloRetryRequestFlowKeepsBothClientHellos() throws {
        guard let shared = TestPaths.shared else { return }
        let record = try #require(
            try Self.analyze(shared.appendingPathComponent("bench/templates/tls13_hrr.pcap").path).records.first)
        #expect(record.helloRetryRequest != nil)
        #expect(record.retryClientHello != nil)
        #expect(record.curve?.description == "secp256r1")
    }

    @Test func tls12ChainIsReadInClear() throws {
        guard let shared = TestPaths.shared else { return }
        let record = try #require(
            try Self.analyze(shared.appendingPathComponent("bench/templates/tls12_ok_chain3.pcap").path).records.first)
        #expect(record.serverCertificates.count == 3)
        #expect(record.newSessionTicket != nil)
        #expect(record.curve != nil)
    }
}
