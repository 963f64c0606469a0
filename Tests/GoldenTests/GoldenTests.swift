import AutopsyEngine
import AutopsyFlow
import AutopsyReport
import AutopsyTestSupport
import Foundation
import Testing

/// Every bundled capture against its golden NDJSON and text report, byte for byte.
/// `make golden` (UPDATE_GOLDEN=1) re-records them and fails the run, so that every
/// golden change is a reviewed diff.
@Suite struct GoldenTests {
    static let captures: [URL] = TestPaths.files(
        under: TestPaths.fixtures.appendingPathComponent("captures"), suffixes: [".pcap", ".pcapng"])

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// The name a capture's goldens carry: its path under Fixtures/captures, '/' as '__'.
    static func name(_ capture: URL) -> String {
        let base = TestPaths.fixtures.appendingPathComponent("captures").path + "/"
        return capture.path.replacingOccurrences(of: base, with: "").replacingOccurrences(of: "/", with: "__")
    }

    /// NDJSON and text report of one capture, with repository paths made relative.
    static func render(_ capture: URL, threads: Int = 1, renderJSON: Bool = false, eventBatch: Int? = nil) throws
        -> (json: String, text: String)
    {
        var options = GoldenOptions.analysis
        options.threads = threads
        options.renderJSON = renderJSON
        options.eventBatch = eventBatch
        let analyzer = Analyzer(options: options)
        var json = ""
        var report = OnCallReport(style: Style(enabled: false))
        let blocks = TextReport(style: Style(enabled: false))
        var verbose = ""
        try analyzer.analyze(path: capture.path) { record in
            json += FlowJSON.line(record) + "\n"
            verbose += blocks.block(record)
            report.add(record)
        }
        json += FlowJSON.summary(analyzer.summary) + "\n"
        let text = verbose + report.render(analyzer.summary)
        let root = TestPaths.repositoryRoot.path + "/"
        return (json.replacingOccurrences(of: root, with: ""), text.replacingOccurrences(of: root, with: ""))
    }

    /// The summary's peaks of a sharded run add up the shards' peaks: left out of the comparison.
    static func withoutShardPeaks(_ text: String) -> String {
        var result = text
        for field in ["tombstones_peak", "out_of_order_bytes_peak"] {
            while let range = result.range(of: "\"\(field)\":[0-9]+", options: .regularExpression) {
                result.replaceSubrange(range, with: "\"\(field)\":_")
            }
        }
        return result
    }

    /// With two threads (one shard beside the reading thread) and with four (three shards),
    /// every capture gives the same flows, in the same order, with the same diagnoses and
    /// patterns, as one thread.
    @Test(arguments: captures)
    func shardedRunMatchesOneThread(_ capture: URL) throws {
        let one = try Self.render(capture, threads: 1)
        for threads in [2, 4] {
            let sharded = try Self.render(capture, threads: threads)
            #expect(Self.withoutShardPeaks(sharded.json) == Self.withoutShardPeaks(one.json), "\(threads) threads")
            #expect(sharded.text == one.text, "\(threads) threads")
        }
    }

    /// With one thread, the worker's events are handled in batches (of
    /// `Analyzer.offlineEventBatch`, more than most fixtures hold, so those are handled at
    /// their end): handled after every packet, or in batches of 2 or 3 events (cut
    /// anywhere: between a flow's creation and its end, inside a sweep), every capture
    /// gives the same output. (In batches of 1 the worker judges a flow's certificates as
    /// the flow ends; in larger ones the merger does, in the batch.)
    @Test(arguments: captures)
    func batchedEventsMatchEventsHandledPerPacket(_ capture: URL) throws {
        let batched = try Self.render(capture)
        for batch in [1, 2, 3] {
            let other = try Self.render(capture, eventBatch: batch)
            // The first line that differs, not the whole texts (comparing those for the
            // failure message takes minutes).
            #expect(Self.firstDifference(other.json, batched.json) == nil, "batches of \(batch)")
            #expect(Self.firstDifference(other.text, batched.text) == nil, "batches of \(batch)")
        }
    }

    /// The first line where two texts differ, numbered, with both versions (nil: none).
    static func firstDifference(_ one: String, _ other: String) -> String? {
        let lines = one.split(separator: "\n", omittingEmptySubsequences: false)
        let others = other.split(separator: "\n", omittingEmptySubsequences: false)
        for number in 0..<max(lines.count, others.count) {
            let line = number < lines.count ? String(lines[number]) : "(none)"
            let otherLine = number < others.count ? String(others[number]) : "(none)"
            if line != otherLine { return "line \(number + 1): \(line.prefix(300)) | \(otherLine.prefix(300))" }
        }
        return nil
    }

    /// Lines rendered as `analyze --format json` renders them (with one thread whole, with
    /// the parts kept by a cache; sharded, ahead on the shards' threads) are the lines
    /// rendered from the records, with one thread, two (one shard) and three (two).
    @Test(arguments: captures)
    func linesRenderedAheadMatchTheGoldenLines(_ capture: URL) throws {
        let plain = try Self.render(capture)
        let ahead = try Self.render(capture, renderJSON: true)
        #expect(ahead.json == plain.json)
        for threads in [2, 3] {
            let sharded = try Self.render(capture, threads: threads, renderJSON: true)
            #expect(Self.withoutShardPeaks(sharded.json) == Self.withoutShardPeaks(plain.json), "\(threads) threads")
        }
    }

    @Test func thereAreCapturesToCompare() {
        #expect(Self.captures.count >= 40)
    }

    @Test(arguments: captures)
    func matchesItsGoldenFiles(_ capture: URL) throws {
        let (json, text) = try Self.render(capture)
        let expected = TestPaths.fixtures.appendingPathComponent("expected")
        let jsonFile = expected.appendingPathComponent(Self.name(capture) + ".ndjson")
        let textFile = expected.appendingPathComponent(Self.name(capture) + ".txt")
        if Self.updating {
            try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
            try json.write(to: jsonFile, atomically: true, encoding: .utf8)
            try text.write(to: textFile, atomically: true, encoding: .utf8)
            Issue.record(
                "re-recorded \(Self.name(capture)): review the diff (git diff Fixtures/expected), then run make test")
            return
        }
        let goldenJSON = try? String(contentsOf: jsonFile, encoding: .utf8)
        let goldenText = try? String(contentsOf: textFile, encoding: .utf8)
        #expect(goldenJSON != nil, "no golden file for \(Self.name(capture)): run make golden")
        #expect(json == goldenJSON, "\(Self.name(capture)).ndjson differs: run make golden and review the diff")
        #expect(text == goldenText, "\(Self.name(capture)).txt differs: run make golden and review the diff")
    }
}

/// The fixtures' certificate expectations assume their private root as the only trust
/// anchor (`Fixtures/manifest.json`, `ca_file`): no system bundle, so results do not
/// depend on the machine.
enum GoldenOptions {
    static var analysis: AnalysisOptions {
        var options = AnalysisOptions()
        options.caFiles = [TestPaths.fixtures.appendingPathComponent("lib/trust-anchors.pem").path]
        options.systemTrust = false
        return options
    }
}
