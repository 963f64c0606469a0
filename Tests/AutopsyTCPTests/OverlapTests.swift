import AutopsyPackets
import AutopsyTCP
import Testing

/// Overlapping segments with different bytes: the first copy seen wins (gopacket).
@Suite struct OverlapTests {
    let connection = Connection()

    func run(_ packets: [TestPacket]) -> Harness {
        var harness = Harness()
        harness.feed([connection.syn(), connection.synAck()])
        harness.feed(packets)
        harness.finishAll()
        return harness
    }

    /// Delivered bytes are never replaced: a later overlap only adds what is new.
    @Test func deliveredCopyWins() {
        let harness = run([
            connection.data(.initiator, at: 0, bytes("A", 4)),
            connection.data(.initiator, at: 2, bytes("B", 6)),
        ])
        let flow = harness.finished.first
        #expect(flow?.recorder.initiatorBytes == Array("AAAABBBB".utf8))
        #expect(harness.table.counters.retransmittedSegments == 0)
    }

    /// A buffered copy beats a later in-order segment covering the same bytes.
    @Test func bufferedCopyWins() {
        let harness = run([
            connection.data(.initiator, at: 2, bytes("X", 4)),
            connection.data(.initiator, at: 0, bytes("Y", 8)),
        ])
        #expect(harness.finished.first?.recorder.initiatorBytes == Array("YYXXXXYY".utf8))
    }

    /// Two buffered segments overlapping: the second keeps only its new bytes.
    @Test func firstBufferedCopyWins() {
        let harness = run([
            connection.data(.initiator, at: 4, bytes("P", 4)),
            connection.data(.initiator, at: 2, bytes("Q", 6)),
            connection.data(.initiator, at: 3, bytes("R", 7)),
            connection.data(.initiator, at: 0, bytes("Z", 2)),
        ])
        #expect(harness.finished.first?.recorder.initiatorBytes == Array("ZZQQPPPPRR".utf8))
        #expect(harness.table.counters.gaps == 0)
    }

    /// A segment whose bytes are all buffered already is a retransmission.
    @Test func repeatOfBufferedIsRetransmission() {
        let harness = run([
            connection.data(.initiator, at: 4, bytes("P", 4)),
            connection.data(.initiator, at: 5, bytes("S", 2)),
            connection.data(.initiator, at: 0, bytes("Z", 4)),
        ])
        #expect(harness.finished.first?.recorder.initiatorBytes == Array("ZZZZPPPP".utf8))
        #expect(harness.table.counters.retransmittedSegments == 1)
        #expect(harness.finished.first?.recorder.retransmissions == 1)
    }

    /// Every byte already delivered: reported as a retransmission, nothing delivered.
    @Test func fullRetransmission() {
        let harness = run([
            connection.data(.initiator, at: 0, bytes("A", 10)),
            connection.data(.initiator, at: 3, bytes("C", 5)),
            connection.data(.initiator, at: 0, bytes("D", 10)),
        ])
        let recorder = harness.finished.first?.recorder
        #expect(recorder?.initiatorBytes == bytes("A", 10))
        #expect(recorder?.retransmissions == 2)
        #expect(harness.table.counters.retransmittedSegments == 2)
    }
}
