import AutopsyEngine
import AutopsyFlow
import AutopsyTestSupport
import Foundation
import Testing

/// The same two real handshakes (TLS 1.3 over IPv4, TLS 1.2 over IPv6, openssl on
/// loopback) under every link type the reader supports: the same records each time.
@Suite struct LinkTypeTests {
    static let directory = TestPaths.fixtures.appendingPathComponent("captures/linktypes")

    static func analyze(_ path: String) throws -> (records: [FlowRecord], summary: AnalysisSummary) {
        let analyzer = Analyzer(options: AnalysisOptions())
        var records: [FlowRecord] = []
        try analyzer.analyze(path: path) { records.append($0) }
        return (records, analyzer.summary)
    }

    @Test(arguments: [
        ("ethernet-loopback-tls12-tls13-nanosecond.pcap", "EN10MB", [Int]()),
        ("ethernet-loopback-tls12-tls13-nanosecond.pcapng", "EN10MB", []),
        ("ethernet-qinq-200-100-tls12-tls13.pcap", "EN10MB", [200, 100]),
        ("linux-sll-any-tls12-tls13.pcap", "LINUX_SLL", []),
        ("linux-sll2-any-tls12-tls13.pcap", "LINUX_SLL2", []),
        ("loop-openbsd-tls12-tls13.pcap", "LOOP", []),
        ("null-bsd-loopback-tls12-tls13.pcap", "NULL", []),
        ("raw-ip-tls12-tls13.pcap", "RAW", []),
    ])
    func bothHandshakesUnderEveryLinkType(file: String, linkType: String, vlan: [Int]) throws {
        let (records, summary) = try Self.analyze(Self.directory.appendingPathComponent(file).path)
        #expect(summary.captures.first?.linkType == linkType)
        #expect(records.map(\.outcome) == [.established, .established])
        #expect(records.map { $0.version?.description } == ["TLS 1.3", "TLS 1.2"])
        #expect(records.map { $0.client.ip.isIPv6 } == [false, true])
        #expect(records.allSatisfy { $0.vlan == vlan })
        #expect(summary.malformedPackets == 0)
    }

    @Test func nanosecondTimestampsSurvive() throws {
        let (records, _) = try Self.analyze(
            Self.directory.appendingPathComponent("ethernet-loopback-tls12-tls13-nanosecond.pcapng").path)
        #expect(records.contains { $0.firstTimestamp.nanoseconds % 1000 != 0 })
    }

    /// `tcpdump -s 96`: headers survive, payloads are cut. The handshakes cannot be
    /// followed; the cut segments are counted and the flows are incomplete, not wrong.
    @Test func snaplenTruncatedPacketsAreUsedAsFarAsTheyGoAndCounted() throws {
        let source = TestPaths.fixtures.appendingPathComponent("captures/demo/demo.pcap")
        let cut = try #require(PcapRewriter.cut(try Data(contentsOf: source), snaplen: 96))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("snaplen96-\(getpid()).pcap")
        try cut.write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let (records, summary) = try Self.analyze(path.path)
        #expect(summary.truncatedSegments > 0)
        #expect(summary.tcp.truncatedSegments == summary.truncatedSegments)
        #expect(!records.isEmpty)
        #expect(records.allSatisfy { $0.outcome != .established && $0.outcome != .resumed })
        #expect(records.contains { $0.tcp.gaps > 0 && $0.outcome == .incomplete })
    }
}
