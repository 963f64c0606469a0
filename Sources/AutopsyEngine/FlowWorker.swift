import AutopsyFlow
import AutopsyPackets
import AutopsyReport
import AutopsyTCP
import AutopsyX509

/// What a shard tells the merger, in the order the merger must take it.
struct FlowEvent {
    /// What happened.
    enum Kind {
        /// The shard's table created a flow (its shard-local serial).
        case created(local: UInt64)
        /// A flow left the table; `reportable` says whether it belongs in the report.
        case finished(RecordBox, reportable: Bool, local: UInt64)
        /// A flow's handshake was decided (live capture reports it then).
        case decided(RecordBox, local: UInt64)
    }

    /// A record on its way from a shard to the merger: events are copied as they are sorted
    /// and handled, the box alone is; the merger takes the record out (`Optional.take`).
    final class RecordBox {
        /// Nil once taken (`take()` moves the record out without building an empty one).
        var record: FlowRecord?
        init(_ record: consuming FlowRecord) { self.record = record }
    }

    /// The frame being processed when it happened (`UInt64.max` at the end of the capture).
    var frame: UInt64
    /// 0: the once-per-second sweep before that frame; 1: the frame itself; 2: the end.
    var phase: UInt8
    /// Within a sweep, the flow's last frame (the table's least-recently-seen order);
    /// within a frame, the order the shard produced them.
    var minor: UInt64
    var kind: Kind
}

/// One shard of the pipeline: a flow table with its TLS sessions, for the flows whose
/// address pair hashes to this shard. It turns packets into ``FlowEvent``s: flows created,
/// decided and finished, each finished record with its certificates judged. The merger
/// (``Analyzer``) puts the events of every shard in the order one table would give them.
///
/// A worker is used by one thread at a time; the certificate checker is shared (and safe to).
final class FlowWorker {
    private var table: FlowTable<FlowSession>
    private let decisions: DecisionSink?
    private let checker: CertificateChecker
    /// Summaries of recently seen certificates, by DER.
    private var summaries: [[UInt8]: CertificateSummary] = [:]
    /// The last few certificates summarised, most recent first: the same chain recurs flow
    /// after flow, and comparing its bytes is cheaper than hashing them.
    private var recentSummaries: [(der: [UInt8], summary: CertificateSummary)] = []
    /// Events produced and not yet taken by the merger.
    var events: [FlowEvent] = []
    /// What the records in `events` hold from their handshakes (`heldBytesEstimate`), when
    /// `countsHeldBytes`: the merger takes the events (`takeEvents`) before this passes its
    /// bound.
    private(set) var heldBytes = 0
    /// Whether `heldBytes` is counted: set by the analyzer for the single worker whose events
    /// it takes in batches (offline or live). A shard's events go out with each round, and
    /// one taken per packet holds at most a packet's records: neither reads the count.
    var countsHeldBytes = false
    private var frame: UInt64 = 0
    private var phase: UInt8 = 1
    private var order: UInt64 = 0

    /// Whether records leave with their NDJSON rendered (`FlowRecord.renderedJSON`).
    private let renderJSON: Bool
    /// Rendered parts reused from flow to flow.
    private let fragments = JSONFragments()
    /// Whether the certificates of a finished flow are left for the merger to judge
    /// (`judgeCertificates`), with the other work of a flow's end, in its batch: set by
    /// the analyzer for the single worker of an offline run. A shard judges them itself,
    /// on its own thread.
    var leavesJudging = false

    init(limits: Limits, decisions: DecisionSink?, checker: CertificateChecker, renderJSON: Bool = false) {
        self.decisions = decisions
        self.checker = checker
        self.renderJSON = renderJSON
        let fingerprints = FingerprintCache()
        // Flow ids are given by the merger; the session's sequence is the shard's serial + 1
        // until then.
        table = FlowTable(limits: limits) { start in
            FlowSession(
                start: start, sequence: start.serial + 1, limits: limits, decisions: decisions,
                fingerprints: fingerprints)
        }
        table.onCreate = { [unowned self] start in
            self.append(.created(local: start.serial), minor: self.nextOrder())
        }
    }

    /// The table's counters.
    var counters: TCPCounters { table.counters }

    /// The once-per-second sweep, run before frame `frame` stamped `now`.
    func tick(now: Timestamp, frame: UInt64) {
        sweep(before: frame) { $0.tick(now: now, finished: $1) }
    }

    /// Closes flows idle at `now` (a live capture with no packets); ordered after `frame`.
    func expire(now: Timestamp, frame: UInt64) {
        sweep(before: frame) { $0.expire(now: now, finished: $1) }
    }

    /// Runs a sweep of the table; what it finishes is ordered before frame `frame`.
    private func sweep(
        before frame: UInt64,
        _ body: (inout FlowTable<FlowSession>, (consuming FlowSession, FlowEnd, FlowStart) -> Void) -> Void
    ) {
        self.frame = frame
        phase = 0
        body(&table) { session, flowEnd, _ in self.finished(session, flowEnd) }
        phase = 1
        drainDecisions()
    }

    /// One TCP segment of this shard's flows.
    func ingest(_ segment: TCPSegment, payload: Span<UInt8>, packet: PacketInfo) {
        frame = packet.frame
        phase = 1
        // The closure runs within this call, while this worker is alive: captured without a
        // reference count (a strong capture retained and released the worker per packet).
        table.ingest(segment, payload: payload, packet: packet) { [unowned(unsafe) self] session, flowEnd, _ in
            self.finished(session, flowEnd)
        }
        drainDecisions()
    }

    /// Hands on the records of flows decided since the last call (live capture).
    private func drainDecisions() {
        guard let decisions, !decisions.records.isEmpty else { return }
        for var record in decisions.drain() {
            judgeCertificates(&record)
            if renderJSON { record.renderedJSON = fragments.render(record) }
            let local = record.sequence - 1
            if countsHeldBytes { heldBytes &+= record.heldBytesEstimate }
            append(.decided(FlowEvent.RecordBox(record), local: local), minor: nextOrder())
        }
    }

    /// Reports every open flow as it stands (end of a file, or of a live capture).
    func finishAll() {
        frame = UInt64.max
        phase = 2
        table.finishAll { session, flowEnd, _ in
            self.finished(session, flowEnd)
        }
    }

    /// Hands over the events produced since they were last taken, swapped with `taken`
    /// (empty: both arrays keep their buffers), and forgets what their records held.
    func takeEvents(into taken: inout [FlowEvent]) {
        swap(&taken, &events)
        events.removeAll(keepingCapacity: true)
        heldBytes = 0
    }

    private func nextOrder() -> UInt64 {
        order &+= 1
        return order
    }

    private func append(_ kind: FlowEvent.Kind, minor: UInt64) {
        events.append(FlowEvent(frame: frame, phase: phase, minor: minor, kind: kind))
    }

    private func finished(_ session: consuming FlowSession, _ end: FlowEnd) {
        let reportable = session.isReportable && !session.reportedAtDecision
        var local: UInt64 = 0
        var lastFrame: UInt64 = 0
        // Completed inside the session and boxed as it comes out: never copied, and moved
        // once (a record holds dozens of references).
        let box = FlowEvent.RecordBox(
            session.finish(end) { record in
                if reportable && !self.leavesJudging {
                    self.judgeCertificates(&record)
                    if self.renderJSON { record.renderedJSON = self.fragments.render(record) }
                }
                local = record.sequence - 1
                lastFrame = record.lastFrame
                if self.countsHeldBytes { self.heldBytes &+= record.heldBytesEstimate }
            })
        // In a sweep the table finishes flows least recently seen first: by last frame.
        let minor = phase == 0 ? lastFrame : (phase == 2 ? local : nextOrder())
        append(.finished(box, reportable: reportable, local: local), minor: minor)
    }

    /// Summarizes the certificates and judges the server's chain at the capture time, once
    /// the flow has ended: off the packet path, and cached per chain, name and day.
    func judgeCertificates(_ record: inout FlowRecord) {
        record.certificateSummaries = record.serverCertificates.map(summarize)
        record.clientCertificateSummaries = record.clientCertificates.map(summarize)
        if !record.serverCertificates.isEmpty {
            let name = record.serverName ?? record.server.ip.description
            let time = record.serverHello?.timestamp ?? record.firstTimestamp
            record.chainAssessment = checker.assessBlocking(chain: record.serverCertificates, name: name, at: time)
        }
    }

    /// A certificate's summary; the same DER recurs across flows, so summaries are kept by DER.
    private func summarize(_ der: [UInt8]) -> CertificateSummary {
        if let recent = recentSummaries.first(where: { CertificateSummary.sameDER($0.der, der) }) {
            return recent.summary
        }
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
}
