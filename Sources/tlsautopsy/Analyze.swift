import ArgumentParser
import AutopsyDiagnosis
import AutopsyEngine
import AutopsyFlow
import AutopsyReport
import AutopsyTCP
import FoundationEssentials
import Glibc

/// `tlsautopsy analyze`: one record per flow from capture files.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyze the TLS handshakes in capture files.",
        discussion: """
            Exit status: 0 when every file was analyzed; 1 when --fail-on matched a \
            diagnosis; 2 when a file could not be read (missing, not a capture, unsupported \
            link type) or an option is wrong.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Capture files (.pcap or .pcapng).")
    var files: [String]

    @Option(help: "Output format: text for people, json for one JSON object per line (NDJSON).")
    var format: Format = .text

    @Option(help: "A BPF filter expression applied while reading (as tcpdump's), e.g. 'tcp port 443'.")
    var filter: String?

    @Option(help: "Colour in the text report: auto (only on a terminal, never with NO_COLOR), always or never.")
    var color: String = "auto"

    @Flag(
        name: [.customShort("v"), .long],
        help:
            "Text report: list every flow and every pattern, not only the failures by cause and the ten strongest patterns."
    )
    var verbose = false

    @Option(
        name: .customLong("fail-on"),
        help: "Exit with status 1 when a diagnosis with one of these ids is found (comma-separated), or 'any'.")
    var failOn: String?

    @Option(
        name: .customLong("stop-after"),
        help: ArgumentHelp(
            "For make bench: stop every packet after one stage (read, decode or flows), report nothing, and print the counts to standard error.",
            visibility: .hidden))
    var stopAfter: String?

    @Flag(
        name: .customLong("phase-times"),
        help: ArgumentHelp(
            "For make bench: print to standard error where one thread's time went (the packets, then each phase of the flows' ends). Needs --threads 1.",
            visibility: .hidden))
    var phaseTimes = false

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup(title: "Threads")
    var threading: ThreadOptions

    @OptionGroup(title: "Trust")
    var trust: TrustOptions

    func validate() throws {
        guard ColorPolicy(rawValue: color) != nil else {
            throw ValidationError("--color must be auto, always or never, not '\(color)'.")
        }
        if let stopAfter, Self.stage(stopAfter) == nil {
            throw ValidationError("--stop-after must be read, decode or flows, not '\(stopAfter)'.")
        }
        if phaseTimes {
            guard threading.threads == 1 else {
                throw ValidationError("--phase-times times the phases of one thread: add --threads 1.")
            }
            guard stopAfter == nil else {
                throw ValidationError("--phase-times times the whole pipeline: leave out --stop-after.")
            }
        }
        if let failOn {
            let known = Set(DiagnosisID.allCases.map(\.rawValue))
            for id in Self.ids(failOn) where id != "any" && !known.contains(id) {
                throw ValidationError("--fail-on: '\(id)' is not a diagnosis id (see shared ids in README).")
            }
        }
    }

    /// The stage `--stop-after` names (not the whole pipeline, which is the default).
    static func stage(_ name: String) -> AnalysisStage? {
        AnalysisStage(rawValue: name).flatMap { $0 == .all ? nil : $0 }
    }

    static func ids(_ text: String) -> [String] {
        text.split(separator: ",").map { piece in
            var id = piece
            while id.first?.isWhitespace == true { id.removeFirst() }
            while id.last?.isWhitespace == true { id.removeLast() }
            return String(id)
        }
        .filter { !$0.isEmpty }
    }

    func run() throws {
        var options = AnalysisOptions()
        options.filter = filter
        options.limits = try limits.limits()
        options.threads = try threading.count()
        options.renderJSON = format == .json
        options.stage = stopAfter.flatMap(Self.stage) ?? .all
        options.timesPhases = phaseTimes
        try trust.apply(to: &options)
        let analyzer = Analyzer(options: options)
        let output = OutputStream()
        let useColor = (ColorPolicy(rawValue: color) ?? .auto).enabled(
            isTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
        let report = TextReport(style: Style(enabled: useColor))
        var onCall = OnCallReport(style: Style(enabled: useColor), patternsShown: verbose ? nil : 10)
        let failIDs = failOn.map(Self.ids) ?? []
        var failHit = false
        // Read once here, not per flow through the argument wrappers.
        let verbose = self.verbose
        let format = self.format
        let emit: (FlowRecord) -> Void = { record in
            if record.diagnoses.contains(where: { failIDs.contains("any") || failIDs.contains($0.id) }) {
                failHit = true
            }
            switch format {
            case .json: output.writeFlow(record)
            case .text:
                if verbose { output.write(report.block(record)) }
                onCall.add(record)
            }
        }
        var failures = 0
        let started = phaseTimes ? ContinuousClock.now : nil
        for file in files {
            do {
                try analyzer.analyze(path: file, emit: emit)
            } catch {
                failures += 1
                output.flush()
                Output.error(error.description)
            }
        }
        // Nothing was read: an empty report ("0 TLS flows, 0 failed") would read as good news.
        guard failures < files.count else { throw ExitCode(2) }
        if options.stage != .all {
            // A stage of the benchmark: no report, only what the stage counted.
            Output.line(Self.stageCounts(options.stage, analyzer.summary))
            for warning in analyzer.summary.warnings { Output.error("warning: " + warning) }
            if failures > 0 { throw ExitCode(2) }
            return
        }
        switch format {
        case .json: output.write(FlowJSON.summary(analyzer.summary) + "\n")
        case .text: output.write(onCall.render(analyzer.summary))
        }
        output.flush()
        if let started { Output.line(Self.phaseTimesLine(analyzer, total: ContinuousClock.now - started)) }
        for warning in analyzer.summary.warnings where format == .json {
            Output.error("warning: " + warning)
        }
        if failures > 0 { throw ExitCode(2) }
        if failHit { throw ExitCode(1) }
    }
}

extension Analyze {
    /// What a run stopped after `stage` counted, as one line.
    static func stageCounts(_ stage: AnalysisStage, _ summary: AnalysisSummary) -> String {
        var counts = [counted(summary.packets, "packet") + " read"]
        if stage != .read { counts.append(counted(summary.tcpSegments, "TCP segment") + " decoded") }
        if stage == .flows { counts.append(counted(summary.tcp.flowsCreated, "flow") + " followed") }
        return "stopped after \(stage.rawValue): " + counts.joined(separator: ", ") + "; no flow is reported"
    }
}

extension Analyze {
    /// Where a run's time went (`--phase-times`), as one line: the whole, the packets
    /// (reading, decoding and following the flows: all but the flows' ends), then each phase
    /// of the flows' ends, in seconds.
    static func phaseTimesLine(_ analyzer: Analyzer, total: Duration) -> String {
        let whole = total / .seconds(1)
        let ends = EndPhase.allCases.map { ($0.name, analyzer.phaseSeconds($0)) }
        let packets = max(0, whole - ends.reduce(0) { $0 + $1.1 })
        let parts = [("packets", packets)] + ends
        return "phase times, one thread: \(seconds(whole)) in all; "
            + parts.map { "\($0.0) \(seconds($0.1))" }.joined(separator: ", ")
    }

    /// "1.234 s".
    private static func seconds(_ value: Double) -> String {
        JSONWriter.formatFixed(value, decimals: 3) + " s"
    }
}

/// How many threads the run uses.
struct ThreadOptions: ParsableArguments {
    @Option(
        help:
            "Threads to use (default: the number of cores): above 1, one reads packets and writes the report, the others reassemble and parse flows, sharded by address pair; the output is the same with any count."
    )
    var threads: Int?

    /// The count asked for, or the number of cores.
    func count() throws -> Int {
        guard let threads else { return max(1, ProcessInfo.processInfo.activeProcessorCount) }
        guard (1...64).contains(threads) else {
            throw ValidationError("--threads must be between 1 and 64, not \(threads).")
        }
        return threads
    }

}

/// Overrides of the bounds in `Limits`, each with its documented default.
struct LimitOptions: ParsableArguments {
    @Option(help: "Flows tracked at once; past this the least recently seen is evicted (default 1000000).")
    var maxFlows: Int?

    @Option(
        help:
            "Closed connections remembered through their TIME-WAIT, so late packets start no new flow; past this the oldest is forgotten (default 65536)."
    )
    var maxTombstones: Int?

    @Option(help: "Out-of-order bytes buffered per direction before the hole is skipped as a gap (default 262144).")
    var maxOooBytesPerDirection: Int?

    @Option(
        help: "Out-of-order bytes buffered over all flows before the largest holder is evicted (default 268435456).")
    var maxOooBytesTotal: Int?

    @Option(help: "Bytes of one unfinished TLS record held per direction (default 18432).")
    var maxRecordBytes: Int?

    @Option(help: "Largest handshake message reassembled, in bytes (default 65536).")
    var maxHandshakeBytes: Int?

    @Option(help: "Seconds without a packet after which a flow is closed, on the capture clock (default 300).")
    var idleTimeout: Double?

    @Option(help: "Seconds out-of-order data waits for a hole to fill before it is skipped as a gap (default 30).")
    var pendingTimeout: Double?

    func limits() throws -> Limits {
        var limits = Limits()
        func positive(_ value: Int?, _ name: String) throws -> Int? {
            guard let value else { return nil }
            guard value > 0 else { throw ValidationError("--\(name) must be a positive number, not \(value).") }
            return value
        }
        func seconds(_ value: Double?, _ name: String) throws -> Int64? {
            guard let value else { return nil }
            guard value.isFinite, value > 0, value < 1e9 else {
                throw ValidationError("--\(name) must be a positive number of seconds, not \(value).")
            }
            return Int64(value * 1e9)
        }
        if let value = try positive(maxFlows, "max-flows") { limits.maxFlows = value }
        if let value = try positive(maxTombstones, "max-tombstones") { limits.maxTombstones = value }
        if let value = try positive(maxOooBytesPerDirection, "max-ooo-bytes-per-direction") {
            limits.outOfOrderBytesPerDirection = value
        }
        if let value = try positive(maxOooBytesTotal, "max-ooo-bytes-total") { limits.outOfOrderBytesTotal = value }
        if let value = try positive(maxRecordBytes, "max-record-bytes") { limits.partialRecordBytes = value }
        if let value = try positive(maxHandshakeBytes, "max-handshake-bytes") { limits.handshakeMessageBytes = value }
        if let value = try seconds(idleTimeout, "idle-timeout") { limits.idleTimeoutNanoseconds = value }
        if let value = try seconds(pendingTimeout, "pending-timeout") { limits.pendingDataAgeNanoseconds = value }
        return limits
    }
}
