import AutopsyCapture
import AutopsyFlow
import AutopsyPackets
import Glibc

/// Options of a live capture, with tcpdump's habits.
public struct LiveOptions: Sendable {
    /// The interface (`any` for all of them).
    public var interface: String
    /// The BPF expression, or nil.
    public var filter: String?
    /// Bytes kept of each packet (`-s`).
    public var snapshotLength = 262_144
    /// The kernel buffer size in bytes (`-B`), or ``defaultBufferSize``.
    public var bufferSize: Int?
    /// 8 MiB: four times tcpdump's default, so bursts of handshakes are not dropped.
    public static let defaultBufferSize = 8 * 1024 * 1024
    /// Stop after this many packets (`-c`).
    public var packetCount: Int?
    /// Stop after this many seconds (`--duration`).
    public var duration: Double?
    /// Report a summary every this many seconds (`--summary-every`), or never.
    public var summaryEvery: Double?
    /// Also save the raw packets to this file (`-w`).
    public var writePath: String?
    /// Drop root privileges to this user once the device is open (`-Z`).
    public var user: String?

    /// Options for `interface` with tcpdump's defaults.
    public init(interface: String) {
        self.interface = interface
    }
}

/// Monotonic seconds, for durations and the summary cadence (never for analysis).
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The capture clock of a live capture when no packet comes: packet timestamps of a live
/// capture are the system's real time, so idle flows time out on the same clock.
func realTimeNow() -> Timestamp {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Timestamp(seconds: Int64(time.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: time.tv_nsec))
}

/// Sniffs an interface: every flow is reported as soon as its handshake is decided, idle
/// flows time out on the capture clock even when traffic stops, and on a stop request
/// (SIGINT, SIGTERM, `-c`, `--duration`) open flows are reported as they stand, then
/// the summary with libpcap's drop counts.
public final class LiveCapture {
    private let options: LiveOptions
    private let analyzer: Analyzer
    /// Set from a signal handler's queue to stop the loop.
    public let interrupter: CaptureInterrupter
    private var handle: PcapHandle

    /// Opens the device, applies the filter, then drops privileges if asked (as tcpdump
    /// does, before any output file is opened).
    public init(options: LiveOptions, analysis: AnalysisOptions) throws(CaptureError) {
        self.options = options
        var analysis = analysis
        analysis.streaming = true
        analyzer = Analyzer(options: analysis)
        var opened = try PcapHandle.openLive(
            interface: options.interface, snapshotLength: options.snapshotLength, promiscuous: false,
            bufferSize: options.bufferSize ?? LiveOptions.defaultBufferSize, timeoutMilliseconds: 200, immediate: false)
        try opened.requireSupportedLinkType()
        if let filter = options.filter { try opened.setFilter(filter) }
        if let user = options.user { try Privileges.drop(to: user) }
        interrupter = opened.interrupter
        handle = opened
    }

    /// The capture's link type name and snapshot length, for the "listening on" line.
    public var description: String {
        "\(options.interface), link-type \(handle.linkTypeName), snapshot length \(handle.snapshotLength) bytes"
    }

    /// Warnings libpcap gave when the device was activated.
    public var warnings: [String] { handle.warnings }

    /// Runs until stopped. `emit` gets each record as soon as it is decided; `summary`
    /// gets the running summary every `summaryEvery` seconds and once at the end.
    public func run(emit: (FlowRecord) -> Void, summary: (AnalysisSummary) -> Void) throws(CaptureError) {
        var dumper: PcapDumper?
        if let path = options.writePath { dumper = try PcapDumper(path: path, handle: handle) }
        var capture = CaptureSummary(file: options.interface, linkType: handle.linkTypeName)
        let linkType = handle.linkType
        let started = monotonicSeconds()
        var nextSummary = options.summaryEvery.map { started + $0 }
        var lastExpiry = started
        let analyzer = self.analyzer
        let options = self.options

        // Periodic work, on packets and on timeouts alike; false stops the loop.
        func tick() -> Bool {
            let now = monotonicSeconds()
            if now - lastExpiry >= 1 {
                lastExpiry = now
                analyzer.expire(now: realTimeNow(), emit: emit)
            }
            if let due = nextSummary, now >= due, let every = options.summaryEvery {
                nextSummary = due + every
                analyzer.refreshCounters()
                analyzer.recordStatistics(handle.statistics())
                summary(analyzer.summary)
            }
            if let duration = options.duration, now - started >= duration { return false }
            return true
        }

        let end = try handle.forEachPacket(onTimeout: tick) { header, bytes in
            capture.packets += 1
            dumper?.write(header, bytes)
            analyzer.process(bytes, header: header, linkType: linkType, emit: emit)
            if let limit = options.packetCount, capture.packets >= limit { return false }
            return tick()
        }
        if case .truncated(let message) = end { analyzer.warn(message) }
        if dumper != nil { try dumper?.flush() }
        analyzer.recordStatistics(handle.statistics())
        analyzer.addCapture(capture)
        analyzer.finishAll(emit)
        summary(analyzer.summary)
    }

    /// The interfaces libpcap can capture on (`-D`).
    public static func interfaces() throws(CaptureError) -> [InterfaceInfo] {
        try PcapHandle.listInterfaces()
    }
}
