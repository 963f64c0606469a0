import AutopsyPackets
import AutopsyTCP
import Testing

@Suite struct LimitTests {
    let connection = Connection()
    let overhead = FlowTable<Recorder>.bufferedSegmentOverhead

    /// A connection `index` (distinct client port).
    func flow(_ index: Int) -> Connection {
        var connection = Connection()
        connection.clientPort = UInt16(40_000 + index)
        return connection
    }

    /// A hole never filled: after `pendingDataAgeNanoseconds` on the capture clock the
    /// data behind it is delivered after a gap.
    @Test func pendingDataAge() {
        var harness = Harness()
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.data(.initiator, at: 0, bytes("a", 10)),
            connection.data(.initiator, at: 20, bytes("c", 10)),
        ])
        #expect(harness.table.bufferedBytes == 10 + overhead)
        harness.advance(seconds: 29)
        harness.feed(connection.ack(.responder, at: 0))
        #expect(harness.table.bufferedBytes == 10 + overhead)
        harness.advance(seconds: 2)
        harness.feed(connection.ack(.responder, at: 0))
        #expect(harness.table.bufferedBytes == 0)
        #expect(harness.table.counters.pendingAgeFlushes == 1)
        #expect(harness.table.counters.gapBytes == 10)
        harness.feed(connection.data(.initiator, at: 30, bytes("d", 2)))
        harness.finishAll()
        let recorder = harness.finished.first?.recorder
        #expect(
            recorder?.deliveries == [
                .data(.initiator, bytes("a", 10), frame: 3), .gap(.initiator, 10, frame: 4),
                .data(.initiator, bytes("c", 10), frame: 4), .data(.initiator, bytes("d", 2), frame: 7),
            ])
    }

    /// A hole still open when the capture ends: gap, then the buffered data, then `.endOfCapture`.
    @Test func holeAtEndOfCapture() {
        var harness = Harness()
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.data(.responder, at: 5, bytes("s", 5)),
            connection.fin(.responder, at: 10),
        ])
        harness.finishAll()
        let flow = harness.finished.first
        #expect(flow?.end == .endOfCapture)
        #expect(
            flow?.recorder.deliveries == [
                .gap(.responder, 5, frame: 3), .data(.responder, bytes("s", 5), frame: 3),
                .closed(.responder, reset: false),
            ])
        #expect(harness.table.bufferedBytes == 0)
        #expect(harness.table.counters.flowsOpenAtEnd == 1)
    }

    /// Past the per-direction limit, the hole is given up: gap, then the buffered data.
    @Test func perDirectionLimit() {
        var limits = Limits()
        limits.outOfOrderBytesPerDirection = 1_000
        var harness = Harness(limits: limits)
        harness.feed([connection.syn(), connection.synAck()])
        for index in 0..<6 {
            harness.feed(connection.data(.initiator, at: 100 + index * 100, bytes("x", 100)))
            #expect(harness.table.bufferedBytes == (index + 1) * (100 + overhead))
        }
        harness.feed(connection.data(.initiator, at: 700, bytes("y", 100)))  // 7 x 164 > 1000
        #expect(harness.table.bufferedBytes == 0)
        #expect(harness.table.counters.perDirectionLimitHits == 1)
        #expect(harness.table.counters.gaps == 1)
        #expect(harness.table.counters.gapBytes == 100)
        // The late hole-filler is now a retransmission; the stream goes on.
        harness.feed(connection.data(.initiator, at: 0, bytes("a", 100)))
        harness.feed(connection.data(.initiator, at: 800, bytes("z", 1)))
        harness.finishAll()
        let recorder = harness.finished.first?.recorder
        #expect(recorder?.gaps == [.gap(.initiator, 100, frame: 3)])
        #expect(recorder?.initiatorBytes == bytes("x", 600) + bytes("y", 100) + bytes("z", 1))
        #expect(harness.table.counters.retransmittedSegments == 1)
        #expect(harness.table.counters.outOfOrderBytesPeak <= 1_000 + 100 + overhead)
    }

    /// Many tiny segments are charged their overhead, so the limit holds on memory, not just payload.
    @Test func tinySegmentsAreCharged() {
        var limits = Limits()
        limits.outOfOrderBytesPerDirection = 10 * (1 + overhead)
        var harness = Harness(limits: limits)
        harness.feed([connection.syn(), connection.synAck()])
        for index in 0..<100 {
            harness.feed(connection.data(.initiator, at: 1 + index * 2, [UInt8(index)]))
            #expect(harness.table.bufferedBytes <= limits.outOfOrderBytesPerDirection)
        }
        #expect(harness.table.counters.perDirectionLimitHits > 0)
    }

    /// Past the total limit, the flow holding the most buffered bytes is evicted.
    @Test func totalLimitEvictsBiggest() {
        var limits = Limits()
        limits.outOfOrderBytesTotal = 3_000
        var harness = Harness(limits: limits)
        let (a, b, c) = (flow(1), flow(2), flow(3))
        for connection in [a, b, c] { harness.feed([connection.syn(), connection.synAck()]) }
        harness.feed([
            a.data(.initiator, at: 100, bytes("a", 800)), a.data(.responder, at: 50, bytes("A", 800)),
            b.data(.initiator, at: 100, bytes("b", 500)),
        ])
        #expect(harness.table.bufferedBytes == 2 * (800 + overhead) + 500 + overhead)
        #expect(harness.finished.isEmpty)
        harness.feed(c.data(.initiator, at: 100, bytes("c", 800)))
        #expect(harness.table.bufferedBytes == 500 + overhead + 800 + overhead)
        #expect(harness.table.bufferedBytes <= limits.outOfOrderBytesTotal)
        #expect(harness.table.counters.totalLimitEvictions == 1)
        #expect(harness.finished.count == 1)
        let evicted = harness.finished.first
        #expect(evicted?.end == .evicted)
        #expect(evicted?.start.initiatorPort == a.clientPort)
        // Nothing dropped silently: the evicted flow got its buffered data after gaps.
        #expect(evicted?.recorder.initiatorBytes == bytes("a", 800))
        #expect(evicted?.recorder.responderBytes == bytes("A", 800))
        #expect(evicted?.recorder.gaps.count == 2)
        // Its later packets are absorbed by the tombstone.
        harness.feed(a.data(.initiator, at: 0, bytes("a", 100)))
        #expect(harness.table.trackedFlows == 2)
        #expect(harness.table.counters.tombstoneHits == 1)
    }

    /// With `maxFlows` = 3, five flows evict the two least recently seen.
    @Test func maxFlowsEvictsLeastRecent() {
        var limits = Limits()
        limits.maxFlows = 3
        var harness = Harness(limits: limits)
        let flows = (1...5).map(flow)
        harness.feed([flows[0].syn(), flows[1].syn(), flows[2].syn()])
        harness.feed(flows[0].synAck())  // flow 1 is now the most recent; flow 2 the least
        harness.feed(flows[3].syn())
        #expect(harness.table.trackedFlows == 3)
        harness.feed(flows[4].syn())
        #expect(harness.table.trackedFlows == 3)
        #expect(harness.finished.map(\.start.initiatorPort) == [flows[1].clientPort, flows[2].clientPort])
        #expect(harness.finished.allSatisfy { $0.end == .evicted })
        #expect(harness.table.counters.maxFlowsEvictions == 2)
        #expect(harness.table.tombstoneCount <= 3)
        harness.finishAll()
        #expect(
            harness.finished.dropFirst(2).map(\.start.initiatorPort) == [
                flows[0].clientPort, flows[3].clientPort, flows[4].clientPort,
            ])
        #expect(harness.finished.dropFirst(2).allSatisfy { $0.end == .endOfCapture })
        #expect(harness.table.trackedFlows == 0)
        #expect(harness.table.tombstoneCount == 0)
    }

    /// Flows idle for `idleTimeoutNanoseconds` on the capture clock finish as `.idle`.
    @Test func idleExpiry() {
        var limits = Limits()
        limits.idleTimeoutNanoseconds = 10 * 1_000_000_000
        var harness = Harness(limits: limits)
        let (a, b) = (flow(1), flow(2))
        harness.feed(a.syn())
        harness.advance(seconds: 5)
        harness.feed(b.syn())
        harness.advance(seconds: 5)
        harness.feed(b.synAck())
        #expect(harness.finished.map(\.start.initiatorPort) == [a.clientPort])
        #expect(harness.finished.first?.end == .idle)
        #expect(harness.table.trackedFlows == 1)
        harness.advance(seconds: 9)
        harness.expire()
        #expect(harness.table.trackedFlows == 1)
        harness.advance(seconds: 1)
        harness.expire()
        #expect(harness.table.trackedFlows == 0)
        #expect(harness.finished.map(\.end) == [.idle, .idle])
        #expect(harness.table.counters.idleExpiries == 2)
        // An idle flow leaves no tombstone: its next packet starts a new (partial) flow.
        harness.feed(a.data(.initiator, at: 0, bytes("a", 1)))
        #expect(harness.table.trackedFlows == 1)
        #expect(harness.table.counters.flowsWithoutSYN == 1)
    }
}
