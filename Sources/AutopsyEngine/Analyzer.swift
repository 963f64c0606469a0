import AutopsyCapture
import AutopsyDiagnosis
import AutopsyFlow
import AutopsyPackets
import AutopsyTCP
import AutopsyX509
import Synchronization

/// Options of one analysis run.
public struct AnalysisOptions: Sendable {
    /// Every bound on memory and time.
    public var limits = Limits()
    /// A BPF expression applied by libpcap, or nil.
    public var filter: String?
    /// Finished records that may wait for an earlier, still open flow before it is passed over.
    public var maxWaitingRecords = 4_096
    /// PEM files of extra trust anchors (`--ca-file`), for the certificate checks.
    public var caFiles: [String] = []
    /// Whether the system's trust store is used too (`--no-system-trust` turns it off).
    public var systemTrust = true
    /// The trust anchors, when the caller loaded them already (the CLI does, to report a bad
    /// `--ca-file` before reading any packet); else loaded from `caFiles` and `systemTrust`.
    public var trustStore: TrustStore?
    /// Report each flow as soon as its handshake is decided (live capture), instead of
    /// when its connection ends, in the order the flows began (offline).
    public var streaming = false

    /// The defaults.
    public init() {}
}

/// The pipeline: capture -> packets -> TCP reassembly -> TLS sessions -> flow records,
/// in one pass. Records are handed to `emit` in the order their flows began.
public final class Analyzer {
    private let options: AnalysisOptions
    private var table: FlowTable<FlowSession>
    private var queue: EmissionQueue
    private let decisions: DecisionSink?
    /// What finished flows taught about each server, for the diagnosis rules.
    private let context = DiagnosisContext()
    /// The patterns across flows.
    private var patternFinder = PatternFinder()
    /// Judges certificate chains at the capture time, once per distinct chain, name and day.
    private let checker: CertificateChecker
    /// Summaries of recently seen certificates, by DER.
    private var summaries: [[UInt8]: CertificateSummary] = [:]
    /// The last few certificates summarised, most recent first: the same chain recurs flow
    /// after flow, and comparing its bytes is cheaper than hashing them.
    private var recentSummaries: [(der: [UInt8], summary: CertificateSummary)] = []
    /// The counts so far.
    public private(set) var summary = AnalysisSummary()

    /// Creates an analyzer.
    public init(options: AnalysisOptions) {
        self.options = options
        let limits = options.limits
        let decisions = options.streaming ? DecisionSink() : nil
        self.decisions = decisions
        // The id of a flow is its rank by first packet among the TCP connections of the run
        // (close to Wireshark's `tcp.stream` + 1), whenever the table creates its handler.
        let fingerprints = FingerprintCache()
        table = FlowTable(limits: limits) { start in
            FlowSession(
                start: start, sequence: start.serial + 1, limits: limits, decisions: decisions,
                fingerprints: fingerprints)
        }
        queue = EmissionQueue(maxWaiting: options.maxWaitingRecords)
        let store =
            options.trustStore ?? TrustStoreCache.shared.store(system: options.systemTrust, files: options.caFiles)
        checker = CertificateChecker(trustStore: store, cacheLimit: 256)
    }

    /// Reads one capture file to its end. Flows still open at its end are reported then.
    public func analyze(path: String, emit: (FlowRecord) -> Void) throws(CaptureError) {
        var handle = try PcapHandle.openOffline(path: path)
        try analyze(&handle, name: path, emit: emit)
    }

    /// Reads an open capture (a file, or bytes in memory) to its end, naming it `name`.
    /// Flows still open at its end are reported then.
    public func analyze(_ handle: inout PcapHandle, name path: String, emit: (FlowRecord) -> Void)
        throws(CaptureError)
    {
        try handle.requireSupportedLinkType(path: path)
        if let filter = options.filter { try handle.setFilter(filter) }
        var capture = CaptureSummary(file: path, linkType: handle.linkTypeName)
        do {
            let end = try run(&handle, capture: &capture, emit: emit)
            if case .truncated(let message) = end {
                capture.truncated = message
                summary.warnings.append(
                    "\(path): the file is cut short mid-packet (\(message)); analyzed the \(capture.packets) packets before the cut"
                )
            }
        } catch  where error.code == .readFailed {
            // A damaged packet record: keep everything read before it, as for a file cut short.
            capture.truncated = error.message
            summary.warnings.append(
                "\(path): reading stopped at a damaged packet record after frame \(capture.packets) (\(error.message)); analyzed the \(capture.packets) packets before it"
            )
        }
        summary.captures.append(capture)
        finishAll(emit)
    }

    /// Runs the packet loop over an open handle (offline or live).
    public func run(_ handle: inout PcapHandle, capture: inout CaptureSummary, emit: (FlowRecord) -> Void)
        throws(CaptureError) -> CaptureEnd
    {
        let linkType = handle.linkType
        return try handle.forEachPacket { header, bytes in
            capture.packets += 1
            process(bytes, header: header, linkType: linkType, emit: emit)
            return true
        }
    }

    /// Decodes one packet and feeds it to the flow table.
    public func process(_ bytes: Span<UInt8>, header: PacketHeader, linkType: LinkType, emit: (FlowRecord) -> Void) {
        summary.packets += 1
        switch PacketDecoder.decode(bytes, linkType: linkType) {
        case .tcp(let segment):
            summary.tcpSegments += 1
            if segment.isTruncated { summary.truncatedSegments += 1 }
            let packet = PacketInfo(
                frame: header.frame, timestamp: header.timestamp, ttl: segment.ttl, ipID: segment.ipID,
                flags: segment.flags)
            let start = min(max(segment.payloadOffset, 0), bytes.count)
            let end = min(start + max(segment.payloadLength, 0), bytes.count)
            let payload = bytes.extracting(start..<end)
            table.ingest(segment, payload: payload, packet: packet) { session, flowEnd, _ in
                self.finished(session, flowEnd, emit)
            }
            if let decisions, !decisions.records.isEmpty {
                for var record in decisions.drain() {
                    record.id = Int(record.sequence)
                    judgeCertificates(&record)
                    context.learn(record)
                    deliver(record, emit)
                }
            }
        case .notTCP:
            summary.nonTCPPackets += 1
        case .fragment:
            summary.ipFragments += 1
        case .malformed:
            summary.malformedPackets += 1
        }
    }

    /// Closes flows idle on the capture clock (live capture calls this on timeouts).
    public func expire(now: Timestamp, emit: (FlowRecord) -> Void) {
        table.expire(now: now) { session, flowEnd, _ in
            self.finished(session, flowEnd, emit)
        }
    }

    /// Reports every open flow as it stands (end of a file, or of a live capture).
    public func finishAll(_ emit: (FlowRecord) -> Void) {
        table.finishAll { session, flowEnd, _ in
            self.finished(session, flowEnd, emit)
        }
        queue.flush(through: table.counters.flowsCreated) { record in
            deliver(record, emit)
        }
        refreshCounters()
    }

    /// Summarizes the certificates and judges the server's chain at the capture time, once
    /// the flow has ended: off the packet path, and cached per chain, name and day.
    private func judgeCertificates(_ record: inout FlowRecord) {
        record.certificateSummaries = record.serverCertificates.map(summarize)
        record.clientCertificateSummaries = record.clientCertificates.map(summarize)
        if !record.serverCertificates.isEmpty {
            let name = record.serverName ?? record.server.ip.description
            let time = record.serverHello?.timestamp ?? record.firstTimestamp
            let assessment = checker.assessBlocking(chain: record.serverCertificates, name: name, at: time)
            record.chainAssessment = assessment
        }
    }

    /// A certificate's summary; the same DER recurs across flows, so summaries are kept by DER.
    private func summarize(_ der: [UInt8]) -> CertificateSummary {
        if let recent = recentSummaries.first(where: { $0.der == der }) { return recent.summary }
        if recentSummaries.count >= 8 { recentSummaries.removeLast() }
        let summary = summaryByDER(der)
        recentSummaries.insert((der, summary), at: 0)
        return summary
    }

    private func summaryByDER(_ der: [UInt8]) -> CertificateSummary {
        if let known = summaries[der] { return known }
        if summaries.count >= 2_048 { summaries.removeAll(keepingCapacity: true) }
        let summary = CertificateSummary.summarize(der)
        summaries[der] = summary
        return summary
    }

    /// Diagnoses a record with what the capture taught so far, counts it, and hands it out.
    private func deliver(_ record: FlowRecord, _ emit: (FlowRecord) -> Void) {
        var record = record
        record.diagnoses = Diagnoser.diagnose(record, context: context)
        summary.add(record)
        patternFinder.add(record)
        emit(record)
    }

    private func finished(_ session: consuming FlowSession, _ end: FlowEnd, _ emit: (FlowRecord) -> Void) {
        let reportable = session.isReportable && !session.reportedAtDecision
        var record = session.finish(end)
        record.id = Int(record.sequence)
        if reportable {
            judgeCertificates(&record)
            context.learn(record)
        }
        if options.streaming {
            if reportable { deliver(record, emit) }
        } else {
            queue.finished(record.id, reportable ? record : nil) { deliver($0, emit) }
        }
    }

    /// Counts libpcap's drops into the summary (live capture).
    public func recordStatistics(_ statistics: CaptureStatistics?) {
        guard let statistics else { return }
        summary.droppedByKernel = Int(clamping: statistics.droppedByKernel)
        summary.droppedByInterface = Int(clamping: statistics.droppedByInterface)
    }

    /// Notes a warning for the summary.
    public func warn(_ warning: String) {
        summary.warnings.append(warning)
    }

    /// Counts a capture source in the summary.
    public func addCapture(_ capture: CaptureSummary) {
        summary.captures.append(capture)
    }

    /// The reassembly counters and patterns as they stand (for periodic summaries).
    public func refreshCounters() {
        summary.tcp = table.counters
        summary.patterns = patternFinder.patterns()
    }
}

/// Trust stores already loaded in this process, by (system bundle, extra files): parsing
/// the system bundle once is enough for many analyzers (tests, several captures).
final class TrustStoreCache: Sendable {
    static let shared = TrustStoreCache()
    private let stores = Mutex<[String: TrustStore]>([:])

    func store(system: Bool, files: [String]) -> TrustStore {
        let key = "\(system)|" + files.joined(separator: "|")
        return stores.withLock { stores in
            if let store = stores[key] { return store }
            let store = (try? TrustStore.load(systemBundle: system, extraPEMFiles: files)) ?? .empty
            stores[key] = store
            return store
        }
    }
}
