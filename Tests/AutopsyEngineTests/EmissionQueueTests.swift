import AutopsyFlow
import AutopsyPackets
import Testing

@testable import AutopsyEngine

/// Flows end in any order; the queue hands records out in the order the flows began,
/// and past its bounds passes over flows still open (reported late, when they end).
@Suite struct EmissionQueueTests {
    static func record(_ id: Int, rendered: Bool) -> FlowRecord {
        var record = FlowRecord(
            sequence: UInt64(id), firstTimestamp: Timestamp(seconds: Int64(id), nanoseconds: 0), firstFrame: UInt64(id),
            client: Endpoint(ip: IPAddress(ipv4: 0x0A00_0001), port: UInt16(1000 + id)),
            server: Endpoint(ip: IPAddress(ipv4: 0x0A00_0002), port: 443), vlan: [id])
        record.id = id
        record.outcome = .established
        record.diagnoses = [
            Diagnosis(id: "connection_reset", summary: "flow \(id)", evidence: [], remedy: "", check: "")
        ]
        if rendered { record.renderedJSON = RenderedJSON(line: Array("{\"id\":\(id)}".utf8)) }
        return record
    }

    /// A deterministic shuffle (64-bit LCG), so that a failure can be replayed.
    static func shuffled(_ count: Int, seed: UInt64) -> [Int] {
        var ids = Array(1...count)
        var state = seed
        for index in stride(from: ids.count - 1, to: 0, by: -1) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            ids.swapAt(index, Int((state >> 33) % UInt64(index + 1)))
        }
        return ids
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func recordsComeOutInTheOrderFlowsBegan(seed: UInt64) {
        var queue = EmissionQueue(maxWaiting: 1_000)
        var emitted: [FlowRecord] = []
        let order = Self.shuffled(200, seed: seed)
        for id in order {
            // Every seventh flow is not reported; every third waits as its rendered line.
            if id % 7 == 0 {
                queue.finishedUnreported(id) { emitted.append($0) }
            } else {
                queue.finished(id, Self.record(id, rendered: id % 3 == 0)) { emitted.append($0) }
            }
        }
        queue.flush(through: 200) { emitted.append($0) }
        #expect(emitted.map(\.id) == (1...200).filter { $0 % 7 != 0 })
        #expect(queue.reportedLate == 0)
        // A record that waited as its line comes out with what a caller reads besides it.
        for record in emitted {
            #expect(record.diagnoses.first?.summary == "flow \(record.id)")
            #expect(record.vlan == [record.id] && record.client.port == UInt16(1000 + record.id))
            #expect((record.renderedJSON?.line != nil) == (record.id % 3 == 0))
            #expect(record.sequence == UInt64(record.id) && record.firstTimestamp.seconds == Int64(record.id))
            if let line = record.renderedJSON?.line { #expect(line.bytes == Array("{\"id\":\(record.id)}".utf8)) }
        }
    }

    /// Records that waited as their lines are handed out in one record whose fields are
    /// overwritten entry after entry: a caller that reads each as it comes, without keeping
    /// it, reads each entry's own fields, and a caller that keeps them keeps each its own.
    @Test func compactEntriesReadAsTheyComeAndKept() {
        var queue = EmissionQueue(maxWaiting: 1_000)
        var read: [(id: Int, summary: String?, line: [UInt8]?, vlan: [Int])] = []
        var kept: [FlowRecord] = []
        for id in (1...60).reversed() {
            queue.finished(id, Self.record(id, rendered: true)) { record in
                read.append((record.id, record.diagnoses.first?.summary, record.renderedJSON?.line?.bytes, record.vlan))
                if record.id % 2 == 0 { kept.append(record) }
            }
        }
        queue.flush(through: 60) { _ in }
        #expect(read.map(\.id) == Array(1...60))
        for entry in read {
            #expect(entry.summary == "flow \(entry.id)" && entry.vlan == [entry.id])
            #expect(entry.line == Array("{\"id\":\(entry.id)}".utf8))
        }
        #expect(kept.map(\.id) == Array(stride(from: 2, through: 60, by: 2)))
        for record in kept {
            #expect(record.diagnoses.first?.summary == "flow \(record.id)")
            #expect(record.renderedJSON?.line?.bytes == Array("{\"id\":\(record.id)}".utf8))
        }
    }

    @Test func pastItsBoundTheQueuePassesOverOpenFlows() {
        var queue = EmissionQueue(maxWaiting: 10)
        var emitted: [Int] = []
        // Flow 1 stays open while 2...30 end: the queue stops waiting for it.
        for id in 2...30 { queue.finished(id, Self.record(id, rendered: true)) { emitted.append($0.id) } }
        #expect(emitted == Array(2...30))
        // It is reported when it ends, after the later ones, and counted late.
        queue.finished(1, Self.record(1, rendered: true)) { emitted.append($0.id) }
        queue.flush(through: 30) { emitted.append($0.id) }
        #expect(emitted == Array(2...30) + [1])
        #expect(queue.reportedLate == 1)
    }

    @Test func eachPassOverStopsAtTheLowestFlowWaiting() {
        var queue = EmissionQueue(maxWaiting: 3)
        var emitted: [Int] = []
        let emit: (FlowRecord) -> Void = { emitted.append($0.id) }
        // Flows 1 and 3 stay open. The fourth record waiting passes over flow 1 only: flow 2
        // is the lowest waiting, and flow 3 is open again above it.
        for id in [6, 2, 5, 4] { queue.finished(id, Self.record(id, rendered: id % 2 == 0), emit: emit) }
        #expect(emitted == [2])
        queue.finished(7, Self.record(7, rendered: true), emit: emit)
        #expect(emitted == [2, 4, 5, 6, 7])
        queue.finished(3, Self.record(3, rendered: true), emit: emit)
        queue.finishedUnreported(1, emit: emit)
        queue.finished(8, Self.record(8, rendered: true), emit: emit)
        #expect(emitted == [2, 4, 5, 6, 7, 3, 8])
        #expect(queue.reportedLate == 1)
    }

    @Test func aFlowEndingAfterTheFlushIsReportedAtOnce() {
        var queue = EmissionQueue(maxWaiting: 2)
        var emitted: [Int] = []
        let emit: (FlowRecord) -> Void = { emitted.append($0.id) }
        queue.finished(2, Self.record(2, rendered: true), emit: emit)
        queue.flush(through: 3) { emitted.append($0.id) }
        #expect(emitted == [2])
        // Flows 1 and 3 end after the flush: their places went by, so they come out at once
        // (late), and nothing waits behind them.
        queue.finished(3, Self.record(3, rendered: true), emit: emit)
        queue.finished(1, Self.record(1, rendered: false), emit: emit)
        for id in 4...9 { queue.finished(id, Self.record(id, rendered: true), emit: emit) }
        #expect(emitted == [2, 3, 1] + Array(4...9))
        #expect(queue.reportedLate == 2)
    }

    /// Thousands of flows end in any order behind one still open, over a span of ids far
    /// past what the queue first holds room for: all come out in order once it ends.
    @Test(arguments: [UInt64(5), 6])
    func aWideSpanOfWaitingFlowsComesOutInOrder(seed: UInt64) {
        var queue = EmissionQueue(maxWaiting: 20_000, maxWaitingBytes: 1 << 30)
        var emitted: [Int] = []
        let emit: (FlowRecord) -> Void = { emitted.append($0.id) }
        for id in Self.shuffled(6_000, seed: seed) where id != 1 {
            if id % 5 == 0 {
                queue.finishedUnreported(id, emit: emit)
            } else {
                queue.finished(id, Self.record(id, rendered: id % 2 == 0), emit: emit)
            }
        }
        #expect(emitted.isEmpty)
        queue.finished(1, Self.record(1, rendered: true), emit: emit)
        #expect(emitted == (1...6_000).filter { $0 % 5 != 0 })
        queue.flush(through: 6_000, emit)
        #expect(emitted.count == 4_800 && queue.reportedLate == 0)
    }
}
