import AutopsyFlow
import AutopsyTestSupport
import Testing

/// Replays Fixtures/fuzz-seeds/ through the fingerprint and certificate targets' harnesses.
@Suite struct FlowFuzzSeedReplayTests {
    @Test(arguments: FuzzSeed.load("client-hello"))
    func clientHelloSeed(_ seed: FuzzSeed) {
        let outcome = FlowFuzzTargets.clientHello(seed.bytes)
        #expect(outcome.violations == [])
        if !seed.isCrasher { #expect(outcome.parsed > 0) }
    }

    @Test(arguments: FuzzSeed.load("server-hello"))
    func serverHelloSeed(_ seed: FuzzSeed) {
        let outcome = FlowFuzzTargets.serverHello(seed.bytes)
        #expect(outcome.violations == [])
        if !seed.isCrasher { #expect(outcome.parsed > 0) }
    }

    /// Certificate message seeds: each real Certificate message yields certificates that
    /// swift-certificates summarises.
    @Test(arguments: FuzzSeed.load("certificate"))
    func certificateSeed(_ seed: FuzzSeed) {
        let outcome = FlowFuzzTargets.certificate(seed.bytes)
        #expect(outcome.violations == [])
        if !seed.isCrasher && seed.name.hasSuffix("-type11") {
            #expect(outcome.parsed >= 2, "a Certificate message and at least one certificate in \(seed.name)")
        }
    }
}
