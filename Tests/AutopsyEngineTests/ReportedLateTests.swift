import AutopsyFlow
import AutopsyReport
import AutopsyTestSupport
import Foundation
import Testing

@testable import AutopsyEngine

/// Offline, the lines go out in the order the flows began, but a flow still open while too
/// many finished flows wait behind it is passed over and reported when it ends. The summary
/// counts those flows and says so once among its warnings; the output is the same otherwise.
@Suite struct ReportedLateTests {
    /// The ids of the flow lines, the summary and its NDJSON line, analyzing `files` in turn.
    static func run(_ files: [String], maxWaiting: Int, threads: Int = 1) throws -> (
        ids: [Int], summary: AnalysisSummary, line: String
    ) {
        var options = AnalysisOptions()
        options.systemTrust = false
        options.maxWaitingRecords = maxWaiting
        options.threads = threads
        let analyzer = Analyzer(options: options)
        var ids: [Int] = []
        for file in files {
            try analyzer.analyze(path: file) { ids.append($0.id) }
        }
        return (ids, analyzer.summary, FlowJSON.summary(analyzer.summary))
    }

    /// Lines whose id is below one already written: what a reader finds out of order.
    static func outOfOrder(_ ids: [Int]) -> Int {
        var highest = 0
        var count = 0
        for id in ids {
            if id < highest { count += 1 }
            highest = max(highest, id)
        }
        return count
    }

    @Test func flowsPassedOverAreCountedAndWarnedOfOnce() throws {
        // 300 handshakes, 50 open at once, some with a long think time: flows overlap.
        let arguments = ["--flows", "300", "--app-bytes-per-flow", "0", "--seed", "3", "--concurrency", "50"]
        guard let capture = try BenchCapture.generate(arguments, name: "reported-late") else { return }
        defer { try? FileManager.default.removeItem(at: capture) }

        let bounded = try Self.run([capture.path], maxWaiting: 4)
        let late = Self.outOfOrder(bounded.ids)
        #expect(late > 0, "the capture's flows overlap past a bound of 4 waiting")
        #expect(bounded.summary.flowsReportedLate == late)
        #expect(bounded.line.contains("\"flows_reported_late\":\(late),"))
        let warnings = bounded.summary.warnings.filter { $0.contains("reported after flows that began later") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("\(late) flows reported after") == true)
        #expect(warnings.first?.contains("more than 4 finished flows") == true)
        #expect(warnings.first?.contains("ids give the order they began (sort the JSON lines by \"id\")") == true)

        // The same flows, the same summary otherwise: with the default bound nothing is late.
        let ordered = try Self.run([capture.path], maxWaiting: 4_096)
        #expect(ordered.ids == ordered.ids.sorted())
        #expect(ordered.summary.flowsReportedLate == 0)
        #expect(ordered.summary.warnings.isEmpty)
        #expect(ordered.line.contains("\"flows_reported_late\":0,"))
        #expect(bounded.ids.sorted() == ordered.ids)

        // Two files in one run: one warning, its count the whole run's.
        let twice = try Self.run([capture.path, capture.path], maxWaiting: 4)
        #expect(twice.summary.flowsReportedLate == Self.outOfOrderPerFile(twice.ids, files: 2))
        #expect(twice.summary.flowsReportedLate == 2 * late)
        #expect(twice.summary.warnings.filter { $0.contains("reported after flows that began later") }.count == 1)
        #expect(twice.summary.warnings.first?.hasPrefix("\(2 * late) flows reported after") == true)

        // Sharded, the reading thread orders the lines the same way: the same count.
        let sharded = try Self.run([capture.path], maxWaiting: 4, threads: 2)
        #expect(sharded.ids == bounded.ids)
        #expect(sharded.summary.flowsReportedLate == late)
    }

    /// Out-of-order lines counted within each file's flows (each file's ids follow on from the
    /// one before, and every flow of a file ends before the next file begins).
    static func outOfOrderPerFile(_ ids: [Int], files: Int) -> Int {
        let perFile = ids.count / files
        return (0..<files).reduce(0) { total, file in
            total + outOfOrder(Array(ids[(file * perFile)..<((file + 1) * perFile)]))
        }
    }

    @Test func theDemoIsReportedInOrderWithoutWarning() throws {
        let demo = TestPaths.fixtures.appendingPathComponent("captures/demo/demo.pcap").path
        let run = try Self.run([demo], maxWaiting: 4_096)
        #expect(run.ids == run.ids.sorted())
        #expect(run.summary.flowsReportedLate == 0)
        #expect(!run.line.contains("began later"))
    }
}
