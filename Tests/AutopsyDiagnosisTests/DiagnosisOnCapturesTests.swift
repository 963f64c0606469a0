import AutopsyDiagnosis
import AutopsyEngine
import AutopsyFlow
import AutopsyTestSupport
import Foundation
import Testing

/// Diagnoses over real captures made by real TLS stacks: each failing flow gets the
/// diagnosis the wire supports, and no successful flow gets one.
@Suite struct DiagnosisOnCapturesTests {
    static func analyze(_ path: String) throws -> (records: [FlowRecord], summary: AnalysisSummary) {
        let analyzer = Analyzer(options: AnalysisOptions())
        var records: [FlowRecord] = []
        try analyzer.analyze(path: path) { records.append($0) }
        return (records, analyzer.summary)
    }

    @Test func demoCaptureFlowsGetTheirDiagnoses() throws {
        let path = TestPaths.fixtures.appendingPathComponent("captures/demo/demo.pcap").path
        let (records, summary) = try Self.analyze(path)
        #expect(
            records.map { $0.diagnoses.map(\.id) } == [
                [], [], ["certificate_untrusted"], ["protocol_version_mismatch"], ["cipher_suite_mismatch"],
                ["not_tls"],
                ["no_server_response"], ["connection_reset"], [], [],
            ])
        #expect(summary.diagnoses["not_tls"] == 1)
        for record in records {
            for diagnosis in record.diagnoses {
                #expect(!diagnosis.evidence.isEmpty)
                #expect(diagnosis.evidence.contains { $0.contains("frame") })
                #expect(diagnosis.check.contains(record.server.ip.description))
                #expect(diagnosis.check.contains(String(record.server.port)))
                if let name = record.serverName, diagnosis.check.hasPrefix("openssl") {
                    #expect(diagnosis.check.contains("-servername \(name)"))
                }
            }
        }
    }

    /// The remedy of a bare handshake_failure points at the server's logs at the alert's
    /// time (to the second, as logs give it) and names its frame.
    @Test func aHandshakeFailureRemedyGivesTheAlertsTime() throws {
        let path = TestPaths.fixtures.appendingPathComponent("captures/tls13_handshake_failure_sigalgs.pcap").path
        let (records, _) = try Self.analyze(path)
        let record = try #require(records.first { $0.diagnoses.contains { $0.id == "handshake_failure" } })
        let alert = try #require(record.alerts.first { $0.isFatal })
        let remedy = try #require(record.diagnoses.first { $0.id == "handshake_failure" }).remedy
        #expect(remedy.contains("server's TLS logs around \(TimeFormat.rfc3339Seconds(alert.timestamp))"))
        #expect(remedy.contains("frame \(alert.frame)"))
        #expect(!remedy.contains("'s time"))
    }

    @Test(arguments: [
        ("tls13_ok.pcap", [String]()), ("tls12_ok_chain3.pcap", []), ("tls12_resumed.pcap", []), ("tls13_hrr.pcap", []),
        ("alert_handshake_failure.pcap", ["handshake_failure"]), ("alert_unknown_ca.pcap", ["certificate_untrusted"]),
        ("alert_protocol_version.pcap", ["protocol_version_mismatch"]),
        ("rst_after_client_hello.pcap", ["connection_reset"]), ("ch_no_response.pcap", ["no_server_response"]),
    ])
    func benchTemplates(file: String, expected: [String]) throws {
        guard let shared = TestPaths.shared else {
            Issue.record("shared/ is not beside the repository; set TLSAUTOPSY_SHARED")
            return
        }
        let (records, _) = try Self.analyze(shared.appendingPathComponent("bench/templates/\(file)").path)
        #expect(records.first?.diagnoses.map(\.id) == expected)
    }

    /// Many clients to one server, some failing: the pattern names what separates them.
    @Test func benchCapturePatternsAndLearning() throws {
        let arguments = [
            "--flows", "300", "--app-bytes-per-flow", "0", "--servers", "1", "--sni-pool", "1", "--seed", "3",
            "--mix", "tls13_ok=6,alert_protocol_version=2",
        ]
        guard let output = try BenchCapture.generate(arguments, name: "bench-mix") else { return }
        defer { try? FileManager.default.removeItem(at: output) }
        let (records, summary) = try Self.analyze(output.path)
        let failed = records.filter { $0.outcome == .failed }
        #expect(!failed.isEmpty)
        #expect(failed.allSatisfy { $0.diagnoses.map(\.id) == ["protocol_version_mismatch"] })
        // Once a success has been seen, the evidence cites what this server negotiated.
        #expect(
            failed.last?.diagnoses.first?.evidence.contains { $0.contains("this server negotiated only TLS 1.3") }
                == true)
        // The generator spreads flows over ports 443, 8443 and a few others: one pattern per server.
        #expect(!summary.patterns.isEmpty)
        for pattern in summary.patterns {
            #expect(["client_max_version", "offers_tls13"].contains(pattern.attribute))
            #expect(pattern.statement.contains("offered at most TLS 1.2"))
            #expect(pattern.statement.contains("offered TLS 1.3"))
            if pattern.failed > 1 { #expect(pattern.statement.hasPrefix("All \(pattern.failed) failed flows")) }
        }
        #expect(summary.patterns.map(\.failed).reduce(0, +) <= failed.count)
        #expect((summary.patterns.map(\.failed).max() ?? 0) * 2 >= failed.count)
    }
}
