import AutopsyPackets
import AutopsyTestSupport
import Testing

/// Replays Fixtures/fuzz-seeds/packet/ through the packet target's harness.
@Suite struct PacketFuzzSeedReplayTests {
    @Test func seedsCoverEveryLinkTypeWithAFixture() {
        let selectors = Set(FuzzSeed.load("packet").compactMap(\.bytes.first))
        #expect(selectors.count >= 6, "packet seeds cover link types \(selectors.sorted())")
    }

    @Test(arguments: FuzzSeed.load("packet"))
    func packetSeed(_ seed: FuzzSeed) {
        let (outcome, violations) = PacketFuzzTargets.decode(seed.bytes)
        #expect(violations == [])
        guard !seed.isCrasher else { return }
        // Every seed is a frame of a TLS-over-TCP fixture capture.
        guard case .tcp = outcome else {
            Issue.record("\(seed.name) did not decode as TCP: \(String(describing: outcome))")
            return
        }
    }
}
