import AutopsyTLS
import AutopsyTestSupport
import Testing

/// Replays Fixtures/fuzz-seeds/ through the harness bodies the libFuzzer targets call: no
/// invariant broken, and every seed cut from a real capture still parses.
@Suite struct FuzzSeedReplayTests {
    @Test func seedsExistForEveryTLSTarget() {
        for target in ["records", "client-hello", "server-hello", "certificate"] {
            #expect(FuzzSeed.load(target).count >= 10, "Fixtures/fuzz-seeds/\(target) is missing or thin")
        }
    }

    @Test(arguments: FuzzSeed.load("records"))
    func recordSeed(_ seed: FuzzSeed) {
        let outcome = TLSFuzzTargets.records(seed.bytes)
        #expect(outcome.violations == [])
        if !seed.isCrasher && !seed.name.hasSuffix("-norecord") {
            #expect(outcome.parsed > 0, "no record parsed from \(seed.name)")
        }
    }

    @Test(arguments: FuzzSeed.load("client-hello"))
    func clientHelloSeed(_ seed: FuzzSeed) throws {
        let outcome = TLSFuzzTargets.clientHello(seed.bytes)
        #expect(outcome.violations == [])
        if !seed.isCrasher { _ = try ClientHello.parse(seed.bytes) }
    }

    @Test(arguments: FuzzSeed.load("server-hello"))
    func serverHelloSeed(_ seed: FuzzSeed) throws {
        let outcome = TLSFuzzTargets.serverHello(seed.bytes)
        #expect(outcome.violations == [])
        if !seed.isCrasher { _ = try ServerHello.parse(seed.bytes) }
    }

    @Test(arguments: FuzzSeed.load("certificate"))
    func serverMessageSeed(_ seed: FuzzSeed) {
        let outcome = TLSFuzzTargets.serverMessages(seed.bytes)
        #expect(outcome.violations == [])
        if !seed.isCrasher { #expect(outcome.parsed > 0, "no parser accepted \(seed.name)") }
    }
}
