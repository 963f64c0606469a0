import AutopsyPackets
import Crypto
import Dispatch
import Synchronization

/// Checks certificate chains against a trust store at capture times, validating each distinct
/// chain once: results are cached by (the chain's SHA-256s, the capture day UTC); the name is matched per call.
///
/// swift-certificates' `Verifier` is async. `assess` is the async entry point; `assessBlocking`
/// serves synchronous callers (the engine). All verification runs on a private serial dispatch
/// queue, set as the task executor of the tasks the checker creates, never on the caller's thread
/// or on Swift's cooperative pool, so a blocked caller (main thread or not) cannot starve it.
///
/// Within one cache entry the verifier ran at the capture time of the first flow of that day;
/// expiry findings (`ChainAssessment.findings`) are always judged at each flow's own timestamp.
public final class CertificateChecker: Sendable {
    /// The anchors.
    public let trustStore: TrustStore
    /// The most cached chains kept; the oldest go first.
    public let cacheLimit: Int

    private struct Key: Hashable {
        var fingerprints: [[UInt8]]
        var day: Int64
    }

    /// The cached part: what does not depend on the exact time.
    private struct Entry: Sendable {
        var facts: ChainFacts
        var verifier: VerifierOutcome
    }

    /// A chain validated lately, with its bytes: the same few chains recur in flow after flow,
    /// and comparing bytes is far cheaper than hashing them or waiting on a task.
    private struct Recent {
        var chain: [[UInt8]]
        var day: Int64
        var entry: Entry
        /// The name last matched against the leaf, and how it matched: flows of one chain
        /// mostly ask for one name.
        var matchedName: String?
        var nameMatch: NameMatch?

        /// Whether this is `chain` on `day`, certificate by certificate.
        func matches(_ other: [[UInt8]], day: Int64) -> Bool {
            guard self.day == day, chain.count == other.count else { return false }
            return zip(chain, other).allSatisfy { CertificateSummary.sameDER($0, $1) }
        }
    }

    private struct State: ~Copyable {
        var entries: [Key: Task<Entry, Never>] = [:]
        var insertionOrder: [Key] = []
        var recent: [Recent] = []
        var validations = 0
        var hits = 0

        /// The finished entry of a recent chain, moved to the front, with how `name` matches
        /// its leaf (matched here unless it was the chain's last name); nil when none matches.
        mutating func recentEntry(_ chain: [[UInt8]], day: Int64, name: String?) -> (Entry, NameMatch?)? {
            guard let position = recent.firstIndex(where: { $0.matches(chain, day: day) }) else { return nil }
            hits += 1
            if let name, recent[position].matchedName != name {
                recent[position].matchedName = name
                recent[position].nameMatch = CertificateChecker.nameMatch(recent[position].entry, name: name)
            }
            let found = recent[position]
            if position > 0 {
                recent.remove(at: position)
                recent.insert(found, at: 0)
            }
            return (found.entry, name == nil ? nil : found.nameMatch)
        }

        mutating func remember(_ chain: [[UInt8]], day: Int64, entry: Entry) {
            guard !recent.contains(where: { $0.matches(chain, day: day) }) else { return }
            if recent.count >= CertificateChecker.recentChains { recent.removeLast() }
            recent.insert(Recent(chain: chain, day: day, entry: entry), at: 0)
        }
    }

    /// Chains kept with their bytes for the synchronous fast path.
    static let recentChains = 16

    private let state = Mutex(State())
    private let executor = SerialQueueExecutor(label: "tlsautopsy.x509.verifier")

    /// Creates a checker over a trust store.
    public init(trustStore: TrustStore, cacheLimit: Int = 10_000) {
        self.trustStore = trustStore
        self.cacheLimit = max(1, cacheLimit)
    }

    /// How many times a chain was validated (cache misses).
    public var validationCount: Int { state.withLock { $0.validations } }
    /// How many assessments were answered from the cache.
    public var cacheHits: Int { state.withLock { $0.hits } }

    /// Assesses a chain as sent (leaf first, DER) for a name (SNI or server IP as text, or nil) at
    /// a capture time.
    public func assess(chain: [[UInt8]], name: String?, at time: Timestamp) async -> ChainAssessment {
        // The name is matched per call (cheap); the chain's facts and the verifier's verdict
        // depend only on the chain and the day, so flows to many names share one validation.
        let key = Key(fingerprints: chain.map { Array(SHA256.hash(data: $0)) }, day: epochDay(time.seconds))
        let task = cachedTask(for: key, chain: chain, time: time)
        let entry = await task.value
        state.withLock { $0.remember(chain, day: key.day, entry: entry) }
        return Self.assessment(entry, name: name, at: time, nameMatch: name.flatMap { Self.nameMatch(entry, name: $0) })
    }

    /// `assess` for synchronous callers: runs it as a task on the checker's own queue and waits
    /// for it with a semaphore. Safe from any thread, the main thread included, and from inside
    /// a task (the waiting thread is never one the verification needs); do not call it from a
    /// job already running on the checker's queue.
    public func assessBlocking(chain: [[UInt8]], name: String?, at time: Timestamp) -> ChainAssessment {
        // A chain validated lately is answered here, without a task or a thread hop.
        let day = epochDay(time.seconds)
        if let (entry, nameMatch) = state.withLock({ $0.recentEntry(chain, day: day, name: name) }) {
            return Self.assessment(entry, name: name, at: time, nameMatch: nameMatch)
        }
        let result = Mutex<ChainAssessment?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: executor) {
            let assessment = await self.assess(chain: chain, name: name, at: time)
            result.withLock { $0 = assessment }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 } ?? ChainAssessment(time: time, name: name)
    }

    private func cachedTask(for key: Key, chain: [[UInt8]], time: Timestamp) -> Task<Entry, Never> {
        let trustStore = self.trustStore
        let limit = cacheLimit
        return state.withLock { state in
            if let task = state.entries[key] {
                state.hits += 1
                return task
            }
            state.validations += 1
            let task = Task(executorPreference: executor) {
                let facts = ChainFacts(chain: chain, trustStore: trustStore)
                let verifier = await VerifierRun.validate(facts.parsed, trustStore: trustStore, at: time)
                return Entry(facts: facts, verifier: verifier)
            }
            state.entries[key] = task
            state.insertionOrder.append(key)
            if state.insertionOrder.count > limit {
                let evicted = state.insertionOrder.removeFirst()
                state.entries[evicted] = nil
            }
            return task
        }
    }

    /// How `name` matches the entry's leaf; nil without a readable leaf.
    private static func nameMatch(_ entry: Entry, name: String) -> NameMatch? {
        guard let leaf = entry.facts.summaries.first, leaf.parseError == nil else { return nil }
        return CertificateSummary.nameMatches(name, summary: leaf)
    }

    /// The assessment of a chain's entry for `name` at `time`, whose leaf matches it as `nameMatch`.
    private static func assessment(
        _ entry: Entry, name: String?, at time: Timestamp, nameMatch: NameMatch?
    ) -> ChainAssessment {
        let facts = entry.facts
        var assessment = ChainAssessment(time: time, name: name)
        assessment.certificates = facts.summaries
        assessment.findings = facts.findings(at: time)
        assessment.links = facts.links
        assessment.path = facts.path
        assessment.order = facts.order
        assessment.missingIntermediate = facts.missingIntermediate
        assessment.untrustedRoot = facts.untrustedRoot
        assessment.trusted = entry.verifier.trusted
        assessment.trustedIgnoringValidity = entry.verifier.trustedIgnoringValidity
        assessment.anchor = entry.verifier.anchor
        assessment.verifierError = entry.verifier.error
        assessment.nameMatch = nameMatch
        return assessment
    }
}

/// A task executor that runs every job on one serial dispatch queue.
final class SerialQueueExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async {
            unownedJob.runSynchronously(on: executor)
        }
    }
}
