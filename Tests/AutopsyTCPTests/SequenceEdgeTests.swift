import AutopsyPackets
import AutopsyTCP
import Testing

@Suite struct SequenceEdgeTests {
    let connection = Connection()

    @Test func seqNumArithmetic() {
        let high = SeqNum(0xFFFF_FFF0)
        let low = SeqNum(0x10)
        #expect(high.distance(to: low) == 32)
        #expect(low.distance(to: high) == -32)
        #expect(high.advanced(by: 32) == low)
        #expect(high.isBefore(low))
        #expect(!low.isBefore(high))
        #expect(!low.isBefore(low))
        #expect(SeqNum(0).distance(to: SeqNum(0x8000_0000)) == Int(Int32.min))
    }

    /// Each segment is reported before its bytes, and FIN comes after the data.
    @Test func eventOrder() {
        var harness = Harness()
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.data(.initiator, at: 0, bytes("a", 3)),
            connection.fin(.initiator, at: 3),
        ])
        harness.finishAll()
        #expect(
            harness.finished.first?.recorder.events == [
                .segment(.initiator, frame: 1, retransmission: false),
                .segment(.responder, frame: 2, retransmission: false),
                .segment(.initiator, frame: 3, retransmission: false),
                .data(.initiator, bytes("a", 3), frame: 3),
                .segment(.initiator, frame: 4, retransmission: false),
                .closed(.initiator, reset: false),
            ])
    }

    /// A FIN ahead of missing data waits for it.
    @Test func finInSequenceOrder() {
        var harness = Harness()
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.fin(.initiator, at: 6),
            connection.data(.initiator, at: 3, bytes("b", 3)),
        ])
        #expect(harness.finished.isEmpty)
        harness.feed(connection.data(.initiator, at: 0, bytes("a", 3)))
        harness.finishAll()
        let deliveries = harness.finished.first?.recorder.deliveries
        #expect(
            deliveries == [
                .data(.initiator, bytes("a", 3), frame: 5), .data(.initiator, bytes("b", 3), frame: 4),
                .closed(.initiator, reset: false),
            ])
    }

    /// Nothing is delivered past a FIN: data beyond it is malformed, and data that
    /// crosses it is cut at the FIN.
    @Test func nothingAfterFIN() {
        var harness = Harness(decideAfter: 1)
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.data(.initiator, at: 0, bytes("a", 2)),
            connection.fin(.initiator, at: 4),
            connection.data(.initiator, at: 8, bytes("x", 2)),  // past the FIN: malformed
            connection.data(.initiator, at: 2, bytes("b", 4)),  // fills the hole, cut at the FIN
        ])
        harness.finishAll()
        #expect(
            harness.finished.first?.recorder.deliveries == [
                .data(.initiator, bytes("a", 2), frame: 3), .data(.initiator, bytes("b", 2), frame: 6),
                .closed(.initiator, reset: false),
            ])
        #expect(harness.table.counters.malformedSegments == 1)
    }

    /// A capture that starts mid-flow: the first segment's sender is the initiator and
    /// each direction starts at its first data segment. Pure ACKs start nothing.
    @Test func noSYN() {
        var harness = Harness()
        harness.feed(connection.ack(.responder, at: 0))
        #expect(harness.table.trackedFlows == 0)
        #expect(harness.table.counters.segmentsWithoutFlow == 1)
        harness.feed([
            connection.data(.responder, at: 100, bytes("s", 5)),
            connection.data(.initiator, at: 40, bytes("c", 4)),
            connection.data(.responder, at: 105, bytes("t", 5)),
            connection.data(.initiator, at: 30, bytes("x", 10)),  // before the start: already "past"
        ])
        harness.finishAll()
        let flow = harness.finished.first
        #expect(flow?.start.sawSYN == false)
        #expect(flow?.start.initiator == connection.server)
        #expect(flow?.end == .endOfCapture)
        #expect(flow?.recorder.initiatorBytes == bytes("s", 5) + bytes("t", 5))
        #expect(flow?.recorder.responderBytes == bytes("c", 4))
        #expect(harness.table.counters.flowsWithoutSYN == 1)
        #expect(harness.table.counters.retransmittedSegments == 1)
    }

    /// A SYN-ACK seen first: the initiator is its receiver; the late SYN still starts
    /// the client's direction.
    @Test func synAckFirst() {
        var harness = Harness()
        harness.feed([
            connection.synAck(), connection.syn(),
            connection.data(.initiator, at: 0, bytes("c", 2)),
            connection.data(.responder, at: 0, bytes("s", 2)),
        ])
        harness.finishAll()
        let flow = harness.finished.first
        #expect(flow?.start.sawSYN == true)
        #expect(flow?.start.initiator == connection.client)
        #expect(flow?.start.initiatorPort == connection.clientPort)
        #expect(flow?.recorder.initiatorBytes == bytes("c", 2))
        #expect(flow?.recorder.responderBytes == bytes("s", 2))
        #expect(harness.table.counters.portReuses == 0)
    }

    /// TCP Fast Open: data on the SYN starts at ISN + 1; a retransmitted SYN is a retransmission.
    @Test func fastOpen() {
        var harness = Harness()
        harness.feed([
            connection.syn(bytes("h", 5)), connection.syn(bytes("h", 5)), connection.synAck(),
            connection.data(.initiator, at: 5, bytes("i", 2)),
        ])
        harness.finishAll()
        #expect(harness.finished.first?.recorder.initiatorBytes == bytes("h", 5) + bytes("i", 2))
        #expect(harness.table.counters.retransmittedSegments == 1)
        #expect(harness.table.counters.portReuses == 0)
    }

    /// Keep-alives (zero or one byte, one behind) are counted apart, not as retransmissions.
    @Test func keepAlive() {
        var harness = Harness()
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.data(.initiator, at: 0, bytes("a", 10)),
            connection.data(.initiator, at: 9, bytes("z", 1)),
            connection.ack(.initiator, at: 9),
        ])
        harness.finishAll()
        let recorder = harness.finished.first?.recorder
        #expect(recorder?.initiatorBytes == bytes("a", 10))
        #expect(recorder?.retransmissions == 0)
        #expect(harness.table.counters.keepAlives == 2)
        #expect(harness.table.counters.retransmittedSegments == 0)
    }

    /// A zero-window probe carries the next byte; the later full segment adds only the rest.
    @Test func zeroWindowProbe() {
        var harness = Harness()
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.data(.initiator, at: 0, bytes("a", 10)),
            connection.data(.initiator, at: 10, Array("P".utf8)),
            connection.data(.initiator, at: 10, Array("PQRS".utf8)),
        ])
        harness.finishAll()
        #expect(harness.finished.first?.recorder.initiatorBytes == bytes("a", 10) + Array("PQRS".utf8))
        #expect(harness.table.counters.gaps == 0)
    }

    /// Segments more than 1 GiB away are malformed: ignored, never buffered.
    @Test func implausiblyFar() {
        var harness = Harness()
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.data(.initiator, at: (1 << 30) + 10, bytes("x", 1_000)),
            connection.data(.initiator, at: -(1 << 30) - 10, bytes("y", 1_000)),
        ])
        #expect(harness.table.bufferedBytes == 0)
        #expect(harness.table.counters.malformedSegments == 2)
        harness.feed(connection.data(.initiator, at: 0, bytes("a", 3)))
        harness.finishAll()
        #expect(harness.finished.first?.recorder.initiatorBytes == bytes("a", 3))
        #expect(harness.finished.first?.recorder.gaps.isEmpty == true)
    }
}
