import AutopsyFlow
import AutopsyReport
import AutopsyTestSupport
import Testing

@testable import AutopsyEngine

/// With one thread, an offline run handles the worker's events in batches: of
/// `offlineEventBatch` events, or fewer once their records hold `offlineBatchBytes` from
/// their handshakes, so that a capture of hostile handshakes (a record can hold hundreds of
/// kilobytes) cannot make a batch hold more than that bound and one record.
@Suite struct EventBatchTests {
    static let demo = TestPaths.fixtures.appendingPathComponent("captures/demo/demo.pcap").path

    /// The lines, the largest estimate of one record, and the analyzer after the run.
    static func run(eventBatch: Int?, bytes: Int?, streaming: Bool = false) throws -> (
        lines: [String], largest: Int, analyzer: Analyzer
    ) {
        var options = AnalysisOptions()
        options.systemTrust = false
        options.streaming = streaming
        options.eventBatch = eventBatch
        options.eventBatchBytes = bytes
        let analyzer = Analyzer(options: options)
        var lines: [String] = []
        var largest = 0
        try analyzer.analyze(path: demo) { record in
            lines.append(FlowJSON.line(record))
            largest = max(largest, record.heldBytesEstimate)
        }
        lines.append(FlowJSON.summary(analyzer.summary))
        return (lines, largest, analyzer)
    }

    @Test func aBatchIsHandledOnceItsRecordsHoldTheBound() throws {
        let bound = 5_000
        let bounded = try Self.run(eventBatch: 1_000_000, bytes: bound)
        #expect(bounded.largest > 0 && bounded.largest < bound, "the demo's records are smaller than the bound")
        #expect(bounded.analyzer.batchesHandled > 2)
        // Handed over at the first record that reached the bound: less than the bound before it.
        #expect(bounded.analyzer.peakBatchBytes >= bound)
        #expect(bounded.analyzer.peakBatchBytes < bound + bounded.largest)
        // Without the bytes bound the whole capture is one batch (handled at its end), and
        // the output is the same either way.
        let whole = try Self.run(eventBatch: 1_000_000, bytes: Analyzer.offlineBatchBytes)
        #expect(whole.analyzer.batchesHandled == 1)
        #expect(whole.analyzer.peakBatchBytes < Analyzer.offlineBatchBytes)
        #expect(whole.lines == bounded.lines)
        let perPacket = try Self.run(eventBatch: 1, bytes: nil)
        #expect(perPacket.lines == bounded.lines)
    }

    /// Live (`streaming`) a record is reported at its handshake's decision, and the worker
    /// judges its certificates; batches asked for there are bounded in bytes all the same
    /// (the worker counts what every record it hands on holds, not only those it leaves
    /// the merger to judge).
    @Test func aLiveBatchIsBoundedInBytesToo() throws {
        let bound = 5_000
        let bounded = try Self.run(eventBatch: 1_000_000, bytes: bound, streaming: true)
        #expect(bounded.analyzer.batchesHandled > 2)
        #expect(bounded.analyzer.peakBatchBytes >= bound)
        let perPacket = try Self.run(eventBatch: nil, bytes: nil, streaming: true)
        #expect(perPacket.lines == bounded.lines)
    }

    /// Events taken at every packet (a live run's default) are not weighed: nothing reads
    /// what their records hold, so the worker does not count it.
    @Test func eventsTakenPerPacketAreNotWeighed() throws {
        let perPacket = try Self.run(eventBatch: nil, bytes: nil, streaming: true)
        #expect(perPacket.analyzer.batchesHandled > 2)
        #expect(perPacket.analyzer.peakBatchBytes == 0)
        let batched = try Self.run(eventBatch: 1_000_000, bytes: nil, streaming: true)
        #expect(batched.analyzer.peakBatchBytes > 0)
    }
}
