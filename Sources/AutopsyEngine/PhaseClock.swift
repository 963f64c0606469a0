/// The phases of a flow's end on the reading thread, in the order each flow goes through
/// them (`tlsautopsy analyze --phase-times`, `make bench`'s table of where one thread's
/// time goes).
public enum EndPhase: Int, CaseIterable, Sendable {
    /// The server's certificates summarized and its chain checked (one thread only: with
    /// more, the shards judge).
    case judge
    /// What the flow teaches about its server (`DiagnosisContext.learn`).
    case learn
    /// The diagnoses, and the summary's counts.
    case diagnose
    /// The pattern finder's counts.
    case patterns
    /// The flow's NDJSON line.
    case render
    /// The emission queue, the output, and the record let go.
    case emit
    /// The patterns stated from the counts, at the end (and each live summary).
    case summary

    /// The phase's name, as `--phase-times` prints it.
    public var name: String {
        switch self {
        case .judge: "judge"
        case .learn: "learn"
        case .diagnose: "diagnose"
        case .patterns: "patterns"
        case .render: "render"
        case .emit: "emit"
        case .summary: "summary"
        }
    }
}

/// Wall time spent in each `EndPhase`, when asked for (`AnalysisOptions.timesPhases`):
/// `start` before a phase, `lap` after it. When not asked for, each call is one test of a
/// constant flag, and the clock is never read.
struct PhaseClock {
    let enabled: Bool
    /// When the phase being timed began (nil before the first `start`, and always when off).
    private var last: ContinuousClock.Instant?
    private var totals = [Duration](repeating: .zero, count: EndPhase.allCases.count)

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Starts timing the next phase now.
    @inline(__always)
    mutating func start() {
        if enabled { last = ContinuousClock.now }
    }

    /// Counts the time since the last `start` or `lap` as `phase`'s, and starts the next.
    @inline(__always)
    mutating func lap(_ phase: EndPhase) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if let last { totals[phase.rawValue] += now - last }
        last = now
    }

    /// The seconds counted for `phase`.
    func seconds(_ phase: EndPhase) -> Double {
        totals[phase.rawValue] / .seconds(1)
    }
}
