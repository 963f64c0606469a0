import AutopsyPackets
import AutopsyX509
import Dispatch
import Testing

@Suite struct CheckerTests {
    /// One validation per chain and day: another name for the same chain is matched
    /// against the cached verdict, not validated again (the verifier does not check names).
    @Test func validatesEachChainAndDayOnce() async throws {
        let pki = try TestPKI.chain()
        let checker = CertificateChecker(trustStore: pki.store)
        let first = await checker.assess(chain: pki.sent, name: "api.example.test", at: TestPKI.captureTime)
        let later = Timestamp(seconds: TestPKI.captureTime.seconds + 3_600, nanoseconds: 0)
        let second = await checker.assess(chain: pki.sent, name: "API.example.test", at: later)
        #expect(checker.validationCount == 1)
        #expect(checker.cacheHits == 1)
        #expect(first.trusted && second.trusted)
        #expect(second.time == later)
        let other = await checker.assess(chain: pki.sent, name: "www.example.test", at: later)
        #expect(checker.validationCount == 1)
        #expect(other.name == "www.example.test")
        #expect(other.trusted)
        let nextDay = Timestamp(seconds: TestPKI.captureTime.seconds + 86_400, nanoseconds: 0)
        _ = await checker.assess(chain: pki.sent, name: "api.example.test", at: nextDay)
        #expect(checker.validationCount == 2)
        _ = await checker.assess(chain: [pki.leaf.der], name: "api.example.test", at: nextDay)
        #expect(checker.validationCount == 3)
    }

    @Test func concurrentCallersShareOneValidation() async throws {
        let pki = try TestPKI.chain()
        let checker = CertificateChecker(trustStore: pki.store)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await checker.assess(chain: pki.sent, name: "api.example.test", at: TestPKI.captureTime).trusted
                }
            }
            for await trusted in group { #expect(trusted) }
        }
        #expect(checker.validationCount == 1)
        #expect(checker.cacheHits == 19)
    }

    @Test func cacheIsBounded() async throws {
        let pki = try TestPKI.chain()
        let checker = CertificateChecker(trustStore: pki.store, cacheLimit: 2)
        for day in 0..<3 {
            let time = Timestamp(seconds: TestPKI.captureTime.seconds + Int64(day) * 86_400, nanoseconds: 0)
            _ = await checker.assess(chain: pki.sent, name: nil, at: time)
        }
        _ = await checker.assess(chain: pki.sent, name: nil, at: TestPKI.captureTime)  // evicted: validated again
        #expect(checker.validationCount == 4)
    }

    @Test func blockingWrapperFromPlainThreads() throws {
        let pki = try TestPKI.chain()
        let checker = CertificateChecker(trustStore: pki.store)
        let result = checker.assessBlocking(chain: pki.sent, name: "api.example.test", at: TestPKI.captureTime)
        #expect(result.trusted)
        #expect(result.nameMatch == .matchesSAN)
        // From many dispatch threads at once.
        let group = DispatchGroup()
        let trusted = Counter()
        for _ in 0..<8 {
            DispatchQueue.global().async(group: group) {
                if checker.assessBlocking(chain: pki.sent, name: "api.example.test", at: TestPKI.captureTime).trusted {
                    trusted.increment()
                }
            }
        }
        group.wait()
        #expect(trusted.value == 8)
        #expect(checker.validationCount == 1)
    }

    /// The synchronous path keeps a recent chain's last name and its match: another name,
    /// or none, is matched afresh, never answered with the one before.
    @Test func recentChainsMatchEachNameAfresh() throws {
        let pki = try TestPKI.chain()
        let checker = CertificateChecker(trustStore: pki.store)
        let asks: [(String?, NameMatch?)] = [
            ("api.example.test", .matchesSAN), ("api.example.test", .matchesSAN), ("other.test", .mismatch),
            (nil, nil), ("other.test", .mismatch), ("API.example.test.", .matchesSAN), ("192.0.2.1", .mismatch),
        ]
        for (name, expected) in asks {
            let result = checker.assessBlocking(chain: pki.sent, name: name, at: TestPKI.captureTime)
            #expect(result.nameMatch == expected, "\(name ?? "no name")")
            #expect(result.name == name)
        }
        #expect(checker.validationCount == 1)
    }

    /// From the main actor, which stays blocked while it waits: the verification needs neither it
    /// nor the caller's thread. (Under `swift test` on Linux the main actor is not the process's
    /// main thread; the same holds there, as nothing of the checker runs on the main queue.)
    @MainActor @Test(.timeLimit(.minutes(1))) func blockingWrapperOnTheMainActor() throws {
        let pki = try TestPKI.chain()
        let checker = CertificateChecker(trustStore: pki.store)
        let result = checker.assessBlocking(chain: pki.sent, name: "api.example.test", at: TestPKI.captureTime)
        #expect(result.trusted)
    }

    /// Blocking every thread of the cooperative pool (2 here) must not starve the verifier: it
    /// runs on the checker's own queue.
    @Test(.timeLimit(.minutes(1))) func blockingWrapperFromInsideTasks() async throws {
        let pki = try TestPKI.chain()
        let checker = CertificateChecker(trustStore: pki.store)
        await withTaskGroup(of: Bool.self) { group in
            for day in 0..<8 {
                group.addTask {
                    let time = Timestamp(seconds: TestPKI.captureTime.seconds + Int64(day) * 86_400, nanoseconds: 0)
                    return checker.assessBlocking(chain: pki.sent, name: "api.example.test", at: time).trusted
                }
            }
            for await trusted in group { #expect(trusted) }
        }
        #expect(checker.validationCount == 8)
    }
}

/// A thread-safe counter for the tests.
final class Counter: @unchecked Sendable {
    private let lock = DispatchQueue(label: "counter")
    private var count = 0
    func increment() { lock.sync { count += 1 } }
    var value: Int { lock.sync { count } }
}
