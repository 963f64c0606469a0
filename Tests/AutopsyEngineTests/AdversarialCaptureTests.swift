import AutopsyEngine
import AutopsyFlow
import AutopsyReport
import AutopsyTCP
import AutopsyTestSupport
import Foundation
import Testing

/// Captures built to hurt (Tests/Tools/make-adversarial.py): each run must stay within
/// `Limits`, as the run's own counters show, move the counters that name the problem, and
/// still give valid output. Nothing here measures time.
@Suite(.serialized) struct AdversarialCaptureTests {
    /// The captures, written once per test run into a temporary directory.
    static let directory: URL? = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tlsautopsy-adversarial-\(ProcessInfo.processInfo.processIdentifier)")
        let script = TestPaths.repositoryRoot.appendingPathComponent("Tests/Tools/make-adversarial.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--out", directory.path]
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return nil
        }
        return process.terminationStatus == 0 ? directory : nil
    }()

    struct Run {
        var records: [FlowRecord]
        var summary: AnalysisSummary
        var limits: Limits
    }

    static func analyze(_ name: String, limits: Limits = Limits()) throws -> Run {
        let directory = try #require(Self.directory, "python3 Tests/Tools/make-adversarial.py failed")
        var options = AnalysisOptions()
        options.limits = limits
        options.systemTrust = false
        let analyzer = Analyzer(options: options)
        var records: [FlowRecord] = []
        try analyzer.analyze(path: directory.appendingPathComponent(name + ".pcap").path) { records.append($0) }
        let run = Run(records: records, summary: analyzer.summary, limits: limits)
        try expectValidOutput(run)
        try expectWithinLimits(run)
        return run
    }

    /// Every record and the summary render as JSON objects that parse.
    static func expectValidOutput(_ run: Run) throws {
        for line in run.records.map(FlowJSON.line) + [FlowJSON.summary(run.summary)] {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            #expect(object is [String: Any])
        }
        #expect(run.summary.flows == run.records.count)
    }

    /// What the counters say was held at the worst moment, against the bounds.
    static func expectWithinLimits(_ run: Run) throws {
        let tcp = run.summary.tcp
        let limits = run.limits
        #expect(tcp.flowsTrackedPeak <= limits.maxFlows)
        #expect(tcp.tombstonesPeak <= min(limits.maxFlows, limits.maxTombstones))
        #expect(tcp.outOfOrderBytesPeak <= limits.outOfOrderBytesTotal)
        #expect(run.summary.tlsBufferPeakBytes <= limits.partialRecordBytes + limits.handshakeMessageBytes)
        for record in run.records {
            #expect(record.steps.count <= FlowSession.maxSteps)
            #expect(record.alerts.count <= FlowSession.maxAlerts)
            #expect(record.malformed.count <= FlowSession.maxNotes)
            #expect(record.anomalies.count <= FlowSession.maxNotes)
        }
    }

    /// One million SYNs from distinct clients and no answer: the table holds at most
    /// `maxFlows` (lowered here so that the test stays small), evicting the oldest.
    @Test func synFloodOfOneMillionHalfOpenFlows() throws {
        var limits = Limits()
        limits.maxFlows = 50_000
        let run = try Self.analyze("syn-flood", limits: limits)
        let tcp = run.summary.tcp
        #expect(run.summary.packets == 1_000_000)
        #expect(tcp.flowsCreated == 1_000_000)
        #expect(tcp.flowsTrackedPeak == 50_000)
        #expect(tcp.maxFlowsEvictions == 950_000)
        // A lone SYN that nobody answered is no TLS flow: nothing is reported.
        #expect(run.records.isEmpty)
    }

    /// A ClientHello announcing 16 MiB: refused at its header, never buffered.
    @Test func handshakeMessageAnnouncingSixteenMegabytes() throws {
        let run = try Self.analyze("handshake-16mb")
        let record = try #require(run.records.first)
        #expect(run.records.count == 1)
        #expect(run.summary.malformedRecords == 1)
        #expect(record.malformed.first?.contains("handshake.length length 16777215") == true)
        #expect(run.summary.tlsBufferPeakBytes <= run.limits.partialRecordBytes * 2)
        #expect(record.outcome == .incomplete)
    }

    /// 100,000 segments after a missing first one: the direction's buffer stays under its
    /// bound, holes are given up as gaps, and the segments past them count as retransmitted.
    @Test func oneHundredThousandOutOfOrderSegments() throws {
        let run = try Self.analyze("out-of-order-100k")
        let tcp = run.summary.tcp
        #expect(tcp.segments == 100_008)
        #expect(tcp.outOfOrderSegmentsBuffered > 0)
        #expect(tcp.outOfOrderBytesPeak <= run.limits.outOfOrderBytesPerDirection)
        #expect(tcp.perDirectionLimitHits > 0)
        #expect(tcp.gaps == tcp.perDirectionLimitHits)
        #expect(run.records.map(\.outcome) == [.incomplete])
    }

    /// Records of length 0 are noted and skipped; one of 2^14 + 2049 bytes is malformed TLS
    /// from either side, not another protocol.
    @Test func recordsOfLengthZeroAndTooLong() throws {
        let run = try Self.analyze("record-lengths")
        #expect(run.records.count == 3)
        let empty = try #require(run.records.first)
        #expect(empty.clientHello?.hello.extensions.serverName == "first.example")
        #expect(empty.anomalies.map(\.kind).contains(.emptyRecord))
        #expect(empty.malformedRecords == 0)
        for record in run.records.dropFirst() {
            #expect(record.outcome != .notTLS)
            #expect(record.malformedRecords == 1)
            #expect(record.malformed.first?.contains("record.length length 18433") == true)
        }
        #expect(run.summary.tlsBufferPeakBytes <= run.limits.partialRecordBytes)
    }

    /// Segments overlapping earlier ones with other bytes: the first copy wins, delivered
    /// or buffered (as gopacket and Zeek keep it), and the repeats count as retransmissions.
    @Test func overlappingSegmentsWithDifferentBytes() throws {
        let run = try Self.analyze("overlap-conflict")
        #expect(run.records.count == 2)
        #expect(run.records.map { $0.clientHello?.hello.extensions.serverName } == ["first.example", "first.example"])
        #expect(run.summary.tcp.retransmittedSegments >= 2)
        #expect(run.records.allSatisfy { $0.serverHello != nil })
    }

    /// ClientHellos whose inner lengths lie: each is refused with the field named, or kept
    /// with an anomaly when only an extension lies.
    @Test func clientHellosWhoseLengthsLie() throws {
        let run = try Self.analyze("lying-client-hello")
        #expect(run.records.count == 9)
        let refused = run.records.filter { $0.malformedRecords > 0 }
        #expect(refused.count == 7)
        #expect(refused.allSatisfy { $0.clientHello == nil && $0.malformed.first?.contains("client_hello") == true })
        let extensionLie = try #require(run.records.first { $0.clientHello != nil })
        #expect(extensionLie.anomalies.map(\.kind) == [.malformedExtension])
        #expect(run.records.allSatisfy { [.incomplete, .noResponse].contains($0.outcome) })
    }

    /// A file cut inside a packet: the packets before the cut are analyzed, and a warning says so.
    @Test func fileCutInsideAPacket() throws {
        let run = try Self.analyze("truncated")
        #expect(run.summary.packets == 7)
        #expect(run.summary.captures.first?.truncated != nil)
        #expect(run.summary.warnings.contains { $0.contains("cut short mid-packet") })
        #expect(run.records.first?.clientHello != nil)
    }

    /// Random bytes after a valid file header: libpcap refuses the first packet record; the
    /// run ends with a warning and an empty, valid report.
    @Test func garbageAfterAValidHeader() throws {
        let run = try Self.analyze("garbage-after-header")
        #expect(run.summary.packets == 0)
        #expect(run.summary.warnings.contains { $0.contains("damaged packet record") })
        #expect(run.records.isEmpty)
    }
}
