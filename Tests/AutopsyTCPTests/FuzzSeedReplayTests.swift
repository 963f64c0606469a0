import AutopsyTCP
import AutopsyTestSupport
import Testing

/// Replays Fixtures/fuzz-seeds/tcp/ (segment programs) through the reassembly target's harness.
@Suite struct TCPFuzzSeedReplayTests {
    @Test func seedsExist() {
        #expect(FuzzSeed.load("tcp").count >= 3)
    }

    @Test(arguments: FuzzSeed.load("tcp"))
    func tcpSeed(_ seed: FuzzSeed) {
        #expect(TCPFuzzTargets.reassemble(seed.bytes) == [])
    }

    /// Programs from a fixed random source: the harness's invariants hold for all of them.
    @Test(arguments: 0..<40 as Range<UInt64>)
    func randomPrograms(seed: UInt64) {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        var bytes: [UInt8] = []
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        #expect(TCPFuzzTargets.reassemble(bytes) == [])
    }
}
