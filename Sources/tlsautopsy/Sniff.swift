import ArgumentParser
import AutopsyCapture
import AutopsyEngine
import AutopsyFlow
import AutopsyReport
import Dispatch
import FoundationEssentials
import Glibc

/// `tlsautopsy sniff`: live capture, each flow reported as soon as its handshake is decided.
struct Sniff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Capture live on an interface (as root) and report each handshake as soon as it is decided.",
        discussion: """
            Options follow tcpdump's. Each flow's record is printed (and flushed) as soon as \
            its handshake is decided; idle flows time out on the capture clock. SIGINT or \
            SIGTERM stops cleanly: open flows are reported as they stand, then the summary \
            with the packets dropped by the kernel. A second SIGINT exits at once. \
            Exit status: 0 after a clean stop, 2 when the interface, filter or an option is wrong.
            """)

    @Option(name: [.customShort("i"), .customLong("interface")], help: "The interface to capture on ('any' for all).")
    var interface: String?

    @Argument(help: "A BPF filter expression, as tcpdump takes it (e.g. tcp port 443).")
    var expression: [String] = []

    @Option(name: [.customShort("s"), .customLong("snapshot-length")], help: "Bytes kept of each packet (0: 262144).")
    var snapshotLength: Int = 262_144

    @Option(
        name: [.customShort("B"), .customLong("buffer-size")], help: "The kernel capture buffer, in KiB (default 8192)."
    )
    var bufferSize: Int?

    @Option(name: [.customShort("c"), .customLong("count")], help: "Stop after this many packets.")
    var count: Int?

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Flag(name: [.customShort("D"), .customLong("list-interfaces")], help: "List the interfaces and exit.")
    var listInterfaces = false

    @Option(name: [.customShort("w")], help: "Also save the raw packets to this pcap file.")
    var writeFile: String?

    @Option(name: [.customShort("Z")], help: "Drop root privileges to this user once the device is open.")
    var user: String?

    @Option(help: "Output format: text for people, json for one JSON object per line (NDJSON).")
    var format: Analyze.Format = .text

    @Option(help: "Colour in the text report: auto, always or never.")
    var color: String = "auto"

    @Option(help: "Print a summary this often (e.g. 60, 60s, 5m, 1h); the summary is always printed at the end.")
    var summaryEvery: String?

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
        if !listInterfaces && interface == nil {
            throw ValidationError("Name the interface with -i (tlsautopsy sniff -D lists them).")
        }
        guard snapshotLength >= 0 else { throw ValidationError("-s must be 0 or a positive number of bytes.") }
        if let count, count <= 0 { throw ValidationError("-c must be a positive number of packets.") }
        if let bufferSize, bufferSize <= 0 { throw ValidationError("-B must be a positive number of KiB.") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds.") }
        if let summaryEvery, Self.seconds(summaryEvery) == nil {
            throw ValidationError("--summary-every takes a time like 60, 60s, 5m or 1h, not '\(summaryEvery)'.")
        }
    }

    /// "90", "90s", "5m", "1h" as seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var number = Substring(text)
        var scale = 1.0
        if let last = text.last, let unit = units[last] {
            scale = unit
            number = text.dropLast()
        }
        guard let value = Double(number), value > 0, value.isFinite else { return nil }
        return value * scale
    }

    func run() throws {
        if listInterfaces { return try printInterfaces() }
        guard let interface else { throw ExitCode(2) }
        var live = LiveOptions(interface: interface)
        live.filter = expression.isEmpty ? nil : expression.joined(separator: " ")
        live.snapshotLength = snapshotLength == 0 ? 262_144 : snapshotLength
        live.bufferSize = bufferSize.map { $0 * 1024 }
        live.packetCount = count
        live.duration = duration
        live.summaryEvery = summaryEvery.flatMap(Self.seconds)
        live.writePath = writeFile
        live.user = user
        var analysis = AnalysisOptions()
        analysis.limits = try limits.limits()
        analysis.threads = try threading.count()
        analysis.renderJSON = format == .json
        try trust.apply(to: &analysis)

        let capture: LiveCapture
        do {
            capture = try LiveCapture(options: live, analysis: analysis)
        } catch {
            Output.error(error.description)
            if error.code == .permissionDenied || error.code == .interfaceDown { Output.error(error.remedy) }
            throw ExitCode(2)
        }
        for warning in capture.warnings { Output.error("warning: \(interface): \(warning)") }
        Output.error("listening on \(capture.description)")
        let signals = SignalHandlers(interrupter: capture.interrupter)
        defer { signals.cancel() }

        let output = OutputStream()
        let useColor = (ColorPolicy(rawValue: color) ?? .auto).enabled(
            isTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
        let report = TextReport(style: Style(enabled: useColor))
        do {
            try capture.run(
                emit: { record in
                    output.write(format == .json ? FlowJSON.line(record) + "\n" : report.block(record))
                    output.flush()
                },
                summary: { summary in
                    output.write(format == .json ? FlowJSON.summary(summary) + "\n" : report.summary(summary) + "\n")
                    output.flush()
                })
        } catch {
            output.flush()
            Output.error(error.description)
            throw ExitCode(2)
        }
    }

    private func printInterfaces() throws {
        let interfaces: [InterfaceInfo]
        do {
            interfaces = try LiveCapture.interfaces()
        } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
        for (index, info) in interfaces.enumerated() {
            var flags: [String] = []
            if info.isUp { flags.append("Up") }
            if info.isRunning { flags.append("Running") }
            if info.isLoopback { flags.append("Loopback") }
            let description = info.description.map { " (\($0))" } ?? ""
            print("\(index + 1).\(info.name)\(description) [\(flags.joined(separator: ", "))]")
        }
    }
}

/// SIGINT and SIGTERM stop the capture loop cleanly; a second SIGINT exits at once.
final class SignalHandlers: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]

    init(interrupter: CaptureInterrupter) {
        let queue = DispatchQueue(label: "tlsautopsy.signals")
        var received = 0
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                received += 1
                if received > 1 && number == SIGINT { _exit(130) }
                interrupter.breakLoop()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

/// Lines for standard error.
enum Output {
    static func error(_ text: String) {
        line("tlsautopsy: " + text)
    }

    /// Writes one line to standard error, unbuffered, retrying short and interrupted writes.
    static func line(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        bytes.withUnsafeBytes { raw in
            guard var next = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let written = write(STDERR_FILENO, next, left)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                next += written
                left -= written
            }
        }
    }
}
