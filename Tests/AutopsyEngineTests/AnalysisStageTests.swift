import AutopsyFlow
import AutopsyTestSupport
import Testing

@testable import AutopsyEngine

/// A run stopped after a stage of the pipeline (`make bench`'s stage rows) does that stage's
/// work and no more: reading counts packets, decoding counts TCP segments, following flows
/// counts flows, and none of them reports a flow.
@Suite struct AnalysisStageTests {
    static let demo = TestPaths.fixtures.appendingPathComponent("captures/demo/demo.pcap").path

    /// The records reported and the summary of a run stopped after `stage`.
    static func run(_ stage: AnalysisStage, threads: Int = 1) throws -> (records: Int, summary: AnalysisSummary) {
        var options = AnalysisOptions()
        options.systemTrust = false
        options.threads = threads
        options.stage = stage
        let analyzer = Analyzer(options: options)
        var records = 0
        try analyzer.analyze(path: demo) { _ in records += 1 }
        return (records, analyzer.summary)
    }

    @Test(arguments: [1, 2]) func eachStageDoesItsWorkAndNoMore(threads: Int) throws {
        let all = try Self.run(.all, threads: threads)
        #expect(all.records > 0 && all.summary.tcpSegments > 0 && all.summary.tcp.flowsCreated > 0)

        let read = try Self.run(.read, threads: threads)
        #expect(read.records == 0)
        #expect(read.summary.packets == all.summary.packets)
        #expect(read.summary.tcpSegments == 0)
        #expect(read.summary.tcp.flowsCreated == 0)

        let decode = try Self.run(.decode, threads: threads)
        #expect(decode.records == 0)
        #expect(decode.summary.packets == all.summary.packets)
        #expect(decode.summary.tcpSegments == all.summary.tcpSegments)
        #expect(decode.summary.nonTCPPackets == all.summary.nonTCPPackets)
        #expect(decode.summary.tcp.flowsCreated == 0)

        let flows = try Self.run(.flows, threads: threads)
        #expect(flows.records == 0)
        #expect(flows.summary.flows == 0 && flows.summary.diagnoses.isEmpty && flows.summary.patterns.isEmpty)
        #expect(flows.summary.tcpSegments == all.summary.tcpSegments)
        #expect(flows.summary.tcp.flowsCreated == all.summary.tcp.flowsCreated)
        #expect(flows.summary.tcp.flowsClosed == all.summary.tcp.flowsClosed)
    }

    /// A run that times its phases reports the same flows, and its ends' phases took time;
    /// one that does not never reads the clock.
    @Test func phaseTimesAreMeasuredOnlyWhenAskedFor() throws {
        var options = AnalysisOptions()
        options.systemTrust = false
        options.threads = 1
        let plain = Analyzer(options: options)
        var plainIDs: [Int] = []
        try plain.analyze(path: Self.demo) { plainIDs.append($0.id) }
        for phase in EndPhase.allCases { #expect(plain.phaseSeconds(phase) == 0) }

        options.timesPhases = true
        let timed = Analyzer(options: options)
        var timedIDs: [Int] = []
        try timed.analyze(path: Self.demo) { timedIDs.append($0.id) }
        #expect(timedIDs == plainIDs && !timedIDs.isEmpty)
        for phase in [EndPhase.judge, .learn, .diagnose, .patterns, .emit, .summary] {
            #expect(timed.phaseSeconds(phase) > 0, "\(phase.name)")
        }
        let names = EndPhase.allCases.map(\.name)
        #expect(names == ["judge", "learn", "diagnose", "patterns", "render", "emit", "summary"])
    }
}
