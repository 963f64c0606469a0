import AutopsyPackets
import AutopsyTCP
import Testing

/// Random segments (any flags, sequence numbers near and far, truncation, clock jumps):
/// never a trap, and every bound holds after every packet.
@Suite struct RandomInputTests {
    @Test(arguments: 0..<30 as Range<UInt64>)
    func boundsHold(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var limits = Limits()
        limits.maxFlows = 3
        limits.maxTombstones = 2
        limits.outOfOrderBytesPerDirection = 2_000
        limits.outOfOrderBytesTotal = 5_000
        limits.idleTimeoutNanoseconds = 20 * 1_000_000_000
        limits.pendingDataAgeNanoseconds = 5 * 1_000_000_000
        var harness = Harness(limits: limits, decideAfter: seed % 3 == 0 ? 500 : nil)
        let connections = (0..<5).map { index -> Connection in
            var connection = Connection()
            connection.clientPort = UInt16(30_000 + index)
            connection.clientISN = UInt32.random(in: 0...UInt32.max, using: &rng)
            connection.serverISN = UInt32.random(in: 0...UInt32.max, using: &rng)
            return connection
        }
        let flagChoices: [TCPFlags] = [
            [.syn], [.syn, .ack], [.ack], [.ack, .psh], [.ack, .psh], [.fin, .ack], [.rst],
        ]
        var maxSegmentCost = 0
        for _ in 0..<2_000 {
            let connection = connections[Int.random(in: 0..<connections.count, using: &rng)]
            let direction: StreamDirection = Bool.random(using: &rng) ? .initiator : .responder
            let offset =
                Int.random(in: 0..<10, using: &rng) == 0
                ? Int.random(in: Int(Int32.min)...Int(Int32.max), using: &rng)
                : Int.random(in: -50...3_000, using: &rng)
            let payload = randomBytes(Int.random(in: 0...300, using: &rng), using: &rng)
            let onWire =
                Int.random(in: 0..<8, using: &rng) == 0 ? payload.count + Int.random(in: 0...500, using: &rng) : nil
            let flags = flagChoices[Int.random(in: 0..<flagChoices.count, using: &rng)]
            harness.feed(
                connection.packet(from: direction, offset: offset, payload, flags: flags, onWire: onWire),
                step: Int64.random(in: 0...3_000_000_000, using: &rng))
            maxSegmentCost = max(maxSegmentCost, payload.count + FlowTable<Recorder>.bufferedSegmentOverhead)
            #expect(harness.table.bufferedBytes >= 0)
            #expect(harness.table.bufferedBytes <= limits.outOfOrderBytesTotal)
            #expect(harness.table.trackedFlows <= limits.maxFlows)
            #expect(harness.table.tombstoneCount <= limits.maxTombstones)
        }
        harness.finishAll()
        #expect(harness.table.trackedFlows == 0)
        #expect(harness.table.bufferedBytes == 0)
        #expect(harness.table.counters.flowsCreated == harness.finished.count)
        // Delivered bytes plus gaps never exceed what the flows' FINs and data could cover,
        // and no flow got a callback after its FIN of the same direction.
        for flow in harness.finished {
            var closed: Set<StreamDirection> = []
            for event in flow.recorder.deliveries {
                switch event {
                case .data(let direction, _, _), .gap(let direction, _, _):
                    #expect(!closed.contains(direction))
                case .closed(let direction, _):
                    closed.insert(direction)
                case .segment:
                    break
                }
            }
        }
    }
}
