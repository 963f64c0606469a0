import AutopsyEngine
import AutopsyFlow
import AutopsyTestSupport
import Testing

/// Replays Fixtures/fuzz-seeds/pipeline/ (whole small captures) through the pipeline
/// target's harness: libpcap reads them from memory and the analyzer reports their flows.
@Suite struct PipelineFuzzSeedReplayTests {
    @Test(arguments: FuzzSeed.load("pipeline"))
    func pipelineSeed(_ seed: FuzzSeed) throws {
        var records: [FlowRecord] = []
        let (summary, outcome) = EngineFuzzTargets.pipeline(seed.bytes) { records.append($0) }
        #expect(outcome.violations == [])
        guard !seed.isCrasher else { return }
        let counts = try #require(summary, "libpcap refused \(seed.name)")
        #expect(counts.packets > 0)
        #expect(!records.isEmpty, "no flow reported from \(seed.name)")
    }

    /// The input on which the pipeline fuzzer's LeakSanitizer check fired once (a certificate
    /// check still finishing on the checker's queue when the input ended): it never reproduced,
    /// and the run over it is whole: flows reported and their chains judged.
    @Test func certificateCheckFinishingAfterTheInputEnds() throws {
        let seed = try #require(FuzzSeed.named("crash-lsan-certificate-task", target: "pipeline"))
        var records: [FlowRecord] = []
        let (summary, outcome) = EngineFuzzTargets.pipeline(seed.bytes) { records.append($0) }
        #expect(outcome.violations == [])
        #expect(try #require(summary).flows == records.count)
        #expect(records.contains { $0.chainAssessment != nil })
    }

    @Test func bytesThatAreNoCaptureAreRefusedNotCrashed() {
        for bytes: [UInt8] in [[], [0xd4, 0xc3, 0xb2], Array(repeating: 0xff, count: 64)] {
            let (summary, outcome) = EngineFuzzTargets.pipeline(bytes)
            #expect(summary == nil)
            #expect(outcome.refused == 1)
        }
    }
}
