import AutopsyEngine
import AutopsyFlow
import AutopsyTestSupport
import Foundation
import Testing

/// Every capture of `shared/corpus` (real traffic from other projects' test suites) goes
/// through the whole pipeline without a crash, and every record and counter stays sane.
@Suite struct CorpusTests {
    static let captures: [URL] = {
        guard let shared = TestPaths.shared else { return [] }
        return TestPaths.files(under: shared.appendingPathComponent("corpus"), suffixes: [".pcap", ".pcapng", ".cap"])
    }()

    @Test func theCorpusIsThere() {
        #expect(
            Self.captures.count > 100, "shared/corpus beside the repository (or TLSAUTOPSY_SHARED) holds the corpus")
    }

    @Test(arguments: captures)
    func analyzesWithoutCrashing(_ capture: URL) throws {
        let analyzer = Analyzer(options: AnalysisOptions())
        var records: [FlowRecord] = []
        do {
            try analyzer.analyze(path: capture.path) { records.append($0) }
        } catch {
            // Only link types the decoder does not know may be refused, with a clear message.
            #expect(error.code == .unsupportedLinkType, "\(capture.lastPathComponent): \(error)")
            return
        }
        let summary = analyzer.summary
        #expect(records.count == summary.flows)
        #expect(records.map(\.id) == records.map(\.id).sorted(), "records come in order of first packet")
        #expect(Set(records.map(\.id)).count == records.count)
        for record in records {
            #expect(record.firstFrame <= record.lastFrame)
            #expect(record.lastTimestamp >= record.firstTimestamp)
            #expect(record.steps.count <= FlowSession.maxSteps)
            #expect(record.established == (record.outcome == .established || record.outcome == .resumed))
        }
        #expect(summary.outcomes.values.reduce(0, +) == summary.flows)
    }
}
