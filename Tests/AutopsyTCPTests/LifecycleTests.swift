import AutopsyPackets
import AutopsyTCP
import Testing

@Suite struct LifecycleTests {
    let connection = Connection()

    /// Open, exchange a little, close with FIN from both sides.
    func closedExchange() -> [TestPacket] {
        [
            connection.syn(), connection.synAck(), connection.ack(.initiator, at: 0),
            connection.data(.initiator, at: 0, bytes("q", 4)), connection.data(.responder, at: 0, bytes("r", 6)),
            connection.fin(.initiator, at: 4), connection.fin(.responder, at: 6),
        ]
    }

    /// A RST closes at once: buffered data first (after a gap), then `closed(reset: true)`.
    @Test func reset() {
        var harness = Harness()
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.data(.initiator, at: 0, bytes("q", 4)),
            connection.data(.initiator, at: 8, bytes("w", 2)),
            connection.rst(.responder, at: 0),
        ])
        #expect(harness.finished.count == 1)
        let flow = harness.finished.first
        #expect(flow?.end == .closed)
        #expect(
            flow?.recorder.deliveries == [
                .data(.initiator, bytes("q", 4), frame: 3), .gap(.initiator, 4, frame: 4),
                .data(.initiator, bytes("w", 2), frame: 4), .closed(.responder, reset: true),
            ])
        #expect(harness.table.trackedFlows == 0)
        #expect(harness.table.bufferedBytes == 0)
        // The peer's answering RST and ACKs are absorbed.
        harness.feed([connection.rst(.initiator, at: 4), connection.ack(.initiator, at: 4)])
        #expect(harness.table.counters.tombstoneHits == 2)
        #expect(harness.table.counters.flowsCreated == 1)
        #expect(harness.table.counters.flowsClosed == 1)
    }

    /// A lone RST on an unknown connection starts no flow.
    @Test func loneReset() {
        var harness = Harness()
        harness.feed(connection.rst(.responder, at: 0))
        #expect(harness.table.trackedFlows == 0)
        #expect(harness.table.counters.segmentsWithoutFlow == 1)
    }

    /// After FIN from both sides: `.closed`, and a tombstone absorbs the trailing ACK and
    /// a retransmitted FIN; a new SYN on the same ports starts a new flow.
    @Test func tombstone() {
        var harness = Harness()
        harness.feed(closedExchange())
        #expect(harness.finished.map(\.end) == [.closed])
        #expect(harness.table.trackedFlows == 0)
        #expect(harness.table.tombstoneCount == 1)
        harness.feed([connection.ack(.initiator, at: 5), connection.fin(.responder, at: 6)])
        #expect(harness.table.counters.tombstoneHits == 2)
        #expect(harness.table.trackedFlows == 0)
        var reuse = connection
        reuse.clientISN = 777_777
        harness.feed([reuse.syn(), reuse.synAck(), reuse.data(.initiator, at: 0, bytes("n", 3))])
        #expect(harness.table.trackedFlows == 1)
        #expect(harness.table.tombstoneCount == 0)
        #expect(harness.table.counters.flowsCreated == 2)
        harness.finishAll()
        #expect(harness.finished.last?.recorder.initiatorBytes == bytes("n", 3))
        #expect(harness.finished.last?.start.sawSYN == true)
    }

    /// Past `maxTombstones` the oldest closed connection is forgotten: its trailing ACK then
    /// finds no tombstone, while the newest ones still absorb theirs.
    @Test func tombstoneBound() {
        var limits = Limits()
        limits.maxTombstones = 2
        var harness = Harness(limits: limits)
        var connections: [Connection] = []
        for port in [1_001, 1_002, 1_003] as [UInt16] {
            var closing = connection
            closing.clientPort = port
            connections.append(closing)
            harness.feed([
                closing.syn(), closing.synAck(), closing.ack(.initiator, at: 0),
                closing.fin(.initiator, at: 0), closing.fin(.responder, at: 0),
            ])
        }
        #expect(harness.table.tombstoneCount == 2)
        #expect(harness.table.counters.tombstoneEvictions == 1)
        harness.feed(connections[2].ack(.initiator, at: 1))
        harness.feed(connections[1].ack(.initiator, at: 1))
        #expect(harness.table.counters.tombstoneHits == 2)
        harness.feed(connections[0].ack(.initiator, at: 1))
        #expect(harness.table.counters.tombstoneHits == 2)
        #expect(harness.table.counters.segmentsWithoutFlow == 1)
    }

    /// Tombstones outlive their last hit by 60 s on the capture clock (default limits), kept
    /// in whole seconds: never less, at most a second more.
    @Test func tombstoneExpiry() {
        var harness = Harness()
        #expect(harness.table.tombstoneTimeoutNanoseconds == 60 * 1_000_000_000)
        harness.feed(closedExchange())
        harness.advance(seconds: 59)
        harness.feed(connection.ack(.initiator, at: 5))  // a hit keeps it another 60 s
        #expect(harness.table.counters.tombstoneHits == 1)
        harness.advance(seconds: 59)
        harness.expire()
        #expect(harness.table.tombstoneCount == 1)
        harness.advance(seconds: 2)
        harness.expire()
        #expect(harness.table.tombstoneCount == 0)
        harness.feed(connection.ack(.initiator, at: 5))
        #expect(harness.table.trackedFlows == 0)
        #expect(harness.table.counters.segmentsWithoutFlow == 1)
    }

    /// A SYN with a new initial sequence number on a live flow: the old flow ends and a new one starts.
    @Test func portReuseOnLiveFlow() {
        var harness = Harness()
        harness.feed([connection.syn(), connection.synAck(), connection.data(.initiator, at: 0, bytes("o", 2))])
        var reuse = connection
        reuse.clientISN = 99
        harness.feed([reuse.syn(), reuse.synAck(), reuse.data(.initiator, at: 0, bytes("p", 2))])
        #expect(harness.table.counters.portReuses == 1)
        #expect(harness.finished.map(\.end) == [.closed])
        #expect(harness.finished.first?.recorder.initiatorBytes == bytes("o", 2))
        harness.finishAll()
        #expect(harness.finished.last?.recorder.initiatorBytes == bytes("p", 2))
    }

    /// A segment cut by the snap length: its captured bytes, then a gap for the rest.
    @Test func truncatedSegment() {
        var harness = Harness()
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.packet(from: .initiator, offset: 0, bytes("t", 40), onWire: 100),
            connection.data(.initiator, at: 100, bytes("u", 5)),
            connection.packet(from: .initiator, offset: 125, bytes("v", 10), onWire: 30),  // ahead, buffered
            connection.data(.initiator, at: 105, bytes("w", 20)),
        ])
        harness.finishAll()
        let recorder = harness.finished.first?.recorder
        #expect(
            recorder?.deliveries == [
                .data(.initiator, bytes("t", 40), frame: 3), .gap(.initiator, 60, frame: 3),
                .data(.initiator, bytes("u", 5), frame: 4),
                .data(.initiator, bytes("w", 20), frame: 6),
                .data(.initiator, bytes("v", 10), frame: 5), .gap(.initiator, 20, frame: 5),
            ])
        #expect(harness.table.counters.truncatedSegments == 2)
        #expect(harness.table.counters.gapBytes == 80)
    }

    /// Once the handler is decided a small reorder still heals (no gap), and data beyond
    /// the smaller buffer of a decided flow is given up as a gap.
    @Test func decidedHandlerGetsASmallBuffer() {
        var limits = Limits()
        limits.outOfOrderBytesAfterDecision = 100 + FlowTable<Recorder>.bufferedSegmentOverhead
        var harness = Harness(limits: limits, decideAfter: 4)
        harness.feed([
            connection.syn(), connection.synAck(),
            connection.data(.initiator, at: 0, bytes("a", 4)),
            connection.data(.initiator, at: 10, bytes("c", 5)),
        ])
        #expect(harness.table.bufferedBytes > 0)
        harness.feed(connection.data(.initiator, at: 4, bytes("b", 6)))
        #expect(harness.table.bufferedBytes == 0)
        // A segment too large for the decided flow's buffer: the hole before it is given up.
        harness.feed(connection.data(.initiator, at: 1000, bytes("e", 200)))
        harness.finishAll()
        let recorder = harness.finished.first?.recorder
        #expect(
            recorder?.deliveries == [
                .data(.initiator, bytes("a", 4), frame: 3), .data(.initiator, bytes("b", 6), frame: 5),
                .data(.initiator, bytes("c", 5), frame: 4), .gap(.initiator, 985, frame: 6),
                .data(.initiator, bytes("e", 200), frame: 6),
            ])
    }

    /// Flows finish in order of creation at the end of the capture.
    @Test func finishAllInCreationOrder() {
        var harness = Harness()
        let ports: [UInt16] = [9, 3, 7, 1, 5, 8, 2]
        for port in ports {
            var connection = Connection()
            connection.clientPort = port
            harness.feed(connection.syn())
        }
        harness.finishAll()
        #expect(harness.finished.map(\.start.initiatorPort) == ports)
        #expect(harness.table.counters.flowsOpenAtEnd == ports.count)
    }

    /// A flow opened by a bare SYN gets its handler with its second packet: the handler
    /// still sees the SYN first, and flows keep their rank by first packet (`serial`),
    /// whichever got its handler first.
    @Test func handlersOfHalfOpenFlowsComeLateButSeeTheirSYN() {
        var harness = Harness()
        var first = Connection()
        first.clientPort = 1_111
        var second = Connection()
        second.clientPort = 2_222
        harness.feed([first.syn(), second.syn(), second.synAck(), first.synAck()])
        harness.finishAll()
        #expect(harness.finished.map(\.start.initiatorPort) == [1_111, 2_222])
        #expect(harness.finished.map(\.start.serial) == [0, 1])
        #expect(
            harness.finished.first?.recorder.events == [
                .segment(.initiator, frame: 1, retransmission: false),
                .segment(.responder, frame: 4, retransmission: false),
            ])
    }

    /// A flood of SYNs that nobody answers: every flow still leaves the table with a
    /// handler that saw its SYN, and the table holds at most `maxFlows` of them.
    @Test func aSYNFloodStaysWithinMaxFlows() {
        var limits = Limits()
        limits.maxFlows = 100
        var harness = Harness(limits: limits)
        for index in 0..<1_000 {
            var connection = Connection()
            connection.clientPort = UInt16(10_000 + index)
            harness.feed(connection.syn())
            #expect(harness.table.trackedFlows <= 100)
        }
        harness.finishAll()
        #expect(harness.finished.count == 1_000)
        #expect(harness.table.counters.maxFlowsEvictions == 900)
        #expect(
            harness.finished.allSatisfy {
                $0.recorder.events == [.segment(.initiator, frame: $0.start.packet.frame, retransmission: false)]
            })
    }

    /// The flow key is the same both ways, differs by VLAN, and holds no references.
    @Test func flowKey() {
        var vlanConnection = connection
        vlanConnection.vlan.append(42)
        func segment(_ packet: TestPacket) -> TCPSegment {
            TCPSegment(
                source: packet.source, destination: packet.destination, sourcePort: packet.sourcePort,
                destinationPort: packet.destinationPort, sequence: 0, acknowledgment: 0, flags: packet.flags,
                window: 0, ttl: 64, ipID: nil, vlan: packet.vlan, payloadOffset: 0, payloadLength: 0,
                payloadLengthOnWire: 0)
        }
        let forward = FlowKey.canonical(segment(connection.syn()))
        let backward = FlowKey.canonical(segment(connection.synAck()))
        #expect(forward.key == backward.key)
        #expect(forward.senderIsLower != backward.senderIsLower)
        #expect(FlowKey(segment(vlanConnection.syn())) != forward.key)
        #expect(_isPOD(FlowKey.self))
        #expect(forward.key.description == "10.0.0.1:50000 <-> 10.0.0.2:443")
        // IPv6 endpoints sort after IPv4 ones and print in brackets.
        var v6 = connection
        v6.client = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1)
        v6.server = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 2)
        #expect(FlowKey(segment(v6.synAck())).description == "[2001:db8::1]:50000 <-> [2001:db8::2]:443")
    }

    /// Two VLANs with the same addresses are two flows.
    @Test func vlansAreSeparate() {
        var harness = Harness()
        var tagged = connection
        tagged.vlan.append(7)
        harness.feed([connection.syn(), tagged.syn()])
        #expect(harness.table.trackedFlows == 2)
        harness.finishAll()
        #expect(harness.finished.map(\.start.vlan.ids) == [[], [7]])
    }
}
