import AutopsyCapture
import AutopsyDiagnosis
import AutopsyFlow
import AutopsyPackets
import AutopsyReport
import AutopsyTCP
import AutopsyX509
import CAllocator
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
    /// Threads of the run. 1 runs everything on the caller's thread; N above 1 runs N - 1
    /// shards that reassemble and parse flows, each on a thread of its own, beside the
    /// caller's thread, which reads and decodes packets, then merges, diagnoses and emits
    /// what the shards report: N threads keep N cores busy.
    public var threads = 1
    /// Render each record's NDJSON (but its id and diagnoses) on the shard's thread
    /// (`FlowRecord.renderedJSON`), for callers that write NDJSON.
    public var renderJSON = false
    /// Events of the single worker (one thread) handled together (see `Analyzer`'s
    /// `eventBatch`); nil: `Analyzer.offlineEventBatch`, or 1 when `streaming`. The output
    /// is the same whatever the batch.
    public var eventBatch: Int?
    /// Bytes the records of a batch may hold from their handshakes
    /// (`FlowRecord.heldBytesEstimate`) before it is handled, whatever its count of events;
    /// nil: `Analyzer.offlineBatchBytes`.
    public var eventBatchBytes: Int?

    /// How far each packet goes (`tlsautopsy analyze --stop-after`): `.all` but in the
    /// stage rows of `make bench`, which time the pipeline one stage more at a time.
    public var stage: AnalysisStage = .all

    /// Whether the wall time of each phase of the flows' ends is measured on the reading
    /// thread (`Analyzer.phaseSeconds`, `tlsautopsy analyze --phase-times`). Off, the
    /// clock is never read.
    public var timesPhases = false

    /// The defaults.
    public init() {}
}

/// The stages of the pipeline, each doing what the one before it did and more; a run stopped
/// after one reports no flow. They tell where the time goes: what reading alone costs, what
/// decoding adds, what following the flows adds, and what their ends add.
public enum AnalysisStage: String, Sendable, CaseIterable {
    /// libpcap reads every packet; nothing looks at it.
    case read
    /// Link, IP and TCP headers decoded; no segment reaches a flow.
    case decode
    /// Flows followed: the flow table, reassembly, TLS parsing and each flow's record, which
    /// is then dropped unread (no diagnosis, pattern, line or output).
    case flows
    /// The whole pipeline.
    case all
}

/// The pipeline: capture -> packets -> TCP reassembly -> TLS sessions -> flow records,
/// in one pass. Records are handed to `emit` in the order their flows began.
///
/// With `threads` above 1 the flows are sharded by a symmetric hash of their address pair
/// over `threads - 1` ``FlowWorker``s, each on its own thread, fed packets in batches by the
/// reading thread. The reading thread merges what the shards report (flows created,
/// decided, finished) back into the single order one table gives, then diagnoses, learns
/// and emits exactly as with one thread: the output is the same, byte for byte, as long
/// as no table-wide bound (`maxFlows`, `outOfOrderBytesTotal`, split evenly over the
/// shards) is reached.
public final class Analyzer {
    private let options: AnalysisOptions
    private let workers: [FlowWorker]
    /// The one worker, when there is no dispatcher (one thread): read per packet, without a
    /// reference count (`workers` keeps it alive as long as this analyzer; a strong reference
    /// was retained and released once a packet).
    private let single: Unmanaged<FlowWorker>?
    private var queue: EmissionQueue
    /// What finished flows taught about each server, for the diagnosis rules.
    private let context = DiagnosisContext()
    /// The patterns across flows.
    private var patternFinder = PatternFinder()
    /// Each shard's serials to the run's flow serials (rank by first packet), for the open
    /// flows whose two differ: a serial not held is the run's too.
    private var serials: [[UInt64: UInt64]]
    private var flowsCreated: UInt64 = 0
    private var flowsTracked = 0
    private var flowsTrackedPeak = 0
    /// Where the warning about flows reported late is among the summary's warnings, once made.
    private var lateWarning: Int?
    /// The capture second of the last sweep (the shards sweep when it advances).
    private var lastSweepSecond = Int64.min
    /// When free memory goes back to the system (`autopsy_release_free_memory`).
    private var trimSchedule = TrimSchedule()
    /// The threads of a sharded run (nil with one thread).
    private let dispatcher: ShardDispatcher?
    /// The dispatcher as the packet path reads it: without a reference count per packet
    /// (`dispatcher` keeps it alive as long as this analyzer).
    private let feeder: Unmanaged<ShardDispatcher>?
    /// A flow's end, handled but for the phases of `handOn`.
    private struct Concluded {
        var id: Int
        /// Nil: a flow left out of the report (it still takes its place in the order).
        var record: FlowRecord?
    }
    /// The flows' ends of the batch of events being handled.
    private var concluded: [Concluded] = []
    /// The single worker's events, swapped out of it.
    private var scratch: [FlowEvent] = []
    /// Events the single worker gathers before they are handled, one batch after another
    /// (1: after every packet). Handling a flow's end (diagnosis, server profiles, patterns,
    /// its line) runs other code on other tables than reading packets does: in batches,
    /// each keeps its code and data in the caches for a while, instead of evicting the
    /// other's on every flow. The order is the same, so the output is too; a live capture
    /// (`streaming`) hands each record on at once.
    private let eventBatch: Int
    /// The batch of an offline run: 256 events (on `hs200k`, 128 flows begun and 128
    /// ended). Handled with its phases (`handOn`), `hs200k` took 13 % less time than with one
    /// packet's events at a time; batches of 64 to 4,096 events took the same time, within
    /// the noise.
    public static let offlineEventBatch = 256
    /// A batch is handled before its records hold more than this from their handshakes
    /// (a record of a hostile handshake can hold hundreds of kilobytes); `hs200k`'s batches
    /// hold about 0.2 MB (1.6 KB a record).
    public static let offlineBatchBytes = 4 << 20
    private let eventBatchBytes: Int
    /// The most that the records of one batch held when it was handled (what `eventBatchBytes` bounds).
    private(set) var peakBatchBytes = 0
    /// Batches handled.
    private(set) var batchesHandled = 0
    /// Renders whole lines (`renderJSON`), reused record after record.
    /// The writer of lines. The parts a line shares with other lines (a hello's lists,
    /// certificates) stay shared: a line waiting in the emission queue holds its own bytes.
    private var lineWriter = JSONWriter(notingSharedRuns: true)
    /// With one thread, the parts lines share, kept for the lines rendered here whole: a
    /// shard renders a line but for its id and diagnoses ahead, off the reading thread;
    /// the single worker's line is rendered on this thread anyway, so it is rendered once,
    /// here, instead of in two parts copied into it (nil when sharded or not rendering).
    private let lineFragments: JSONFragments?
    /// The counts so far.
    public private(set) var summary = AnalysisSummary()
    /// The time of each phase of the flows' ends (`AnalysisOptions.timesPhases`).
    private var phases: PhaseClock

    /// The seconds the reading thread spent in `phase` so far (0 unless `timesPhases`).
    public func phaseSeconds(_ phase: EndPhase) -> Double {
        phases.seconds(phase)
    }

    /// Creates an analyzer.
    public init(options: AnalysisOptions) {
        self.options = options
        // The reading thread counts as one of the threads: it is busy all along (reading,
        // decoding, then diagnosing and writing). On two cores, one shard beside it took
        // 20 % less time on `hs200k` than two shards competing with it for the cores.
        let sharded = options.threads > 1
        let shards = sharded ? options.threads - 1 : 1
        var limits = options.limits
        if shards > 1 {
            // Table-wide bounds are shared out evenly over the shards.
            limits.maxFlows = max(1, limits.maxFlows / shards)
            limits.maxTombstones = max(1, limits.maxTombstones / shards)
            limits.outOfOrderBytesTotal = max(1, limits.outOfOrderBytesTotal / shards)
        }
        let store =
            options.trustStore ?? TrustStoreCache.shared.store(system: options.systemTrust, files: options.caFiles)
        let checker = CertificateChecker(trustStore: store, cacheLimit: 256)
        workers = (0..<shards).map { _ in
            FlowWorker(
                limits: limits, decisions: options.streaming ? DecisionSink() : nil, checker: checker,
                renderJSON: sharded && options.renderJSON)
        }
        lineFragments = !sharded && options.renderJSON ? JSONFragments() : nil
        serials = Array(repeating: [:], count: shards)
        queue = EmissionQueue(maxWaiting: options.maxWaitingRecords)
        dispatcher = sharded ? ShardDispatcher(workers: workers) : nil
        feeder = dispatcher.map { Unmanaged.passUnretained($0) }
        single = sharded ? nil : workers.first.map { Unmanaged.passUnretained($0) }
        eventBatch = max(1, options.eventBatch ?? (options.streaming ? 1 : Self.offlineEventBatch))
        eventBatchBytes = max(0, options.eventBatchBytes ?? Self.offlineBatchBytes)
        if eventBatch > 1 && !options.streaming { workers.first?.leavesJudging = !sharded }
        if eventBatch > 1 && !sharded { workers.first?.countsHeldBytes = true }
        phases = PhaseClock(enabled: options.timesPhases)
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
                    "\(path): the file is cut short mid-packet (\(message)); analyzed the \(counted(capture.packets, "packet")) before the cut"
                )
            }
        } catch  where error.code == .readFailed {
            // A damaged packet record: keep everything read before it, as for a file cut short.
            capture.truncated = error.message
            summary.warnings.append(
                "\(path): reading stopped at a damaged packet record after frame \(capture.packets) (\(error.message)); analyzed the \(counted(capture.packets, "packet")) before it"
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
        if options.stage == .read {
            return try handle.forEachPacket { _, _ in
                capture.packets += 1
                summary.packets += 1
                return true
            }
        }
        return try handle.forEachPacket { header, bytes in
            capture.packets += 1
            process(bytes, header: header, linkType: linkType, emit: emit)
            return true
        }
    }

    /// Decodes one packet and feeds it to its flow's shard.
    public func process(_ bytes: Span<UInt8>, header: PacketHeader, linkType: LinkType, emit: (FlowRecord) -> Void) {
        summary.packets += 1
        switch PacketDecoder.decode(bytes, linkType: linkType) {
        case .tcp(let segment):
            summary.tcpSegments += 1
            if segment.isTruncated { summary.truncatedSegments += 1 }
            if options.stage == .decode { return }
            let packet = PacketInfo(
                frame: header.frame, timestamp: header.timestamp, ttl: segment.ttl, ipID: segment.ipID,
                flags: segment.flags)
            let start = min(max(segment.payloadOffset, 0), bytes.count)
            let end = min(start + max(segment.payloadLength, 0), bytes.count)
            let payload = bytes.extracting(start..<end)
            let tick = header.timestamp.seconds > lastSweepSecond
            if tick { lastSweepSecond = header.timestamp.seconds }
            if trimSchedule.packet(tick: tick) { autopsy_release_free_memory() }
            if let feeder {
                feeder._withUnsafeGuaranteedRef { dispatcher in
                    dispatcher.add(segment, payload: payload, packet: packet, tick: tick)
                    while let round = dispatcher.finishedRound(waiting: false) { merge(round, dispatcher, emit) }
                }
            } else if let single {
                single._withUnsafeGuaranteedRef { worker in
                    if tick { worker.tick(now: packet.timestamp, frame: packet.frame) }
                    worker.ingest(segment, payload: payload, packet: packet)
                    take(worker, emit)
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
        takeAll(emit)
        settle(emit)
        var events: [[FlowEvent]] = []
        let frame = UInt64(summary.packets)
        for worker in workers {
            onWorker(worker) { worker in
                worker.expire(now: now, frame: frame)
                var expired: [FlowEvent] = []
                worker.takeEvents(into: &expired)
                events.append(expired)
            }
        }
        merge(events, emit)
    }

    /// Reports every open flow as it stands (end of a file, or of a live capture).
    public func finishAll(_ emit: (FlowRecord) -> Void) {
        takeAll(emit)
        settle(emit)
        var events: [[FlowEvent]] = []
        for (shard, worker) in workers.enumerated() {
            onWorker(worker) { worker in
                worker.finishAll()
                // The open flows finish in order of creation over all shards.
                var finished: [FlowEvent] = []
                worker.takeEvents(into: &finished)
                for index in finished.indices {
                    if case .finished(_, _, let local) = finished[index].kind {
                        finished[index].minor = runSerial(local, of: shard)
                    }
                }
                events.append(finished)
            }
        }
        merge(events, emit)
        phases.start()
        queue.flush(through: Int(flowsCreated), emit)
        phases.lap(.emit)
        refreshCounters()
    }

    /// Handles what the single worker gathered (a partial batch).
    private func takeAll(_ emit: (FlowRecord) -> Void) {
        single?._withUnsafeGuaranteedRef { take($0, emit, all: true) }
    }

    /// Waits for every batch handed to the shards and merges what they reported.
    private func settle(_ emit: (FlowRecord) -> Void) {
        guard let dispatcher else { return }
        dispatcher.submit()
        while let round = dispatcher.finishedRound(waiting: true) { merge(round, dispatcher, emit) }
    }

    /// Handles what the shards reported for one round of batches, then hands the round back.
    private func merge(_ round: ShardDispatcher.Round, _ dispatcher: ShardDispatcher, _ emit: (FlowRecord) -> Void) {
        merge(round.batches.map(\.events), emit)
        dispatcher.recycle(round)
    }

    /// Runs `body` on the worker, on its own thread in a sharded run (which must be settled).
    private func onWorker(_ worker: FlowWorker, _ body: (FlowWorker) -> Void) {
        if let dispatcher {
            dispatcher.sync(worker, body)
        } else {
            body(worker)
        }
    }

    /// Takes the single worker's events once it holds a batch of them (`eventBatch`), or
    /// whatever it holds when `all`.
    private func take(_ worker: FlowWorker, _ emit: (FlowRecord) -> Void, all: Bool = false) {
        guard !worker.events.isEmpty,
            all || worker.events.count >= eventBatch || worker.heldBytes >= eventBatchBytes
        else { return }
        peakBatchBytes = max(peakBatchBytes, worker.heldBytes)
        batchesHandled += 1
        // Swapped out, not copied: both arrays keep their buffers from packet to packet.
        worker.takeEvents(into: &scratch)
        // Events carry their records boxed: reading one where it lies copies no record.
        if scratch.count == 1 {
            handle(scratch[0], shard: 0)
            handOn(emit)
        } else {
            merge([scratch], emit)
        }
        scratch.removeAll(keepingCapacity: true)
    }

    /// Handles the events of all shards (one array each, each in its shard's order) in the
    /// run's single order. Only small keys are sorted; the events are read where they lie.
    private func merge(_ shards: [[FlowEvent]], _ emit: (FlowRecord) -> Void) {
        var keys: [(frame: UInt64, phase: UInt8, minor: UInt64, shard: Int, index: Int)] = []
        for (shard, events) in shards.enumerated() {
            for (index, event) in events.enumerated() {
                keys.append((event.frame, event.phase, event.minor, shard, index))
            }
        }
        keys.sort {
            ($0.frame, $0.phase, $0.minor, $0.shard, $0.index) < ($1.frame, $1.phase, $1.minor, $1.shard, $1.index)
        }
        for key in keys {
            handle(shards[key.shard][key.index], shard: key.shard)
        }
        handOn(emit)
    }

    /// The run's serial of shard `shard`'s flow `local` (`local` itself unless the two differ;
    /// with one shard they never do, and nothing is looked up), forgotten when the flow ends.
    private func runSerial(_ local: UInt64, of shard: Int, forgetting: Bool = false) -> UInt64 {
        guard !serials[shard].isEmpty else { return local }
        return (forgetting ? serials[shard].removeValue(forKey: local) : serials[shard][local]) ?? local
    }

    /// One event of shard `shard`, in the run's order.
    private func handle(_ event: FlowEvent, shard: Int) {
        switch event.kind {
        case .created(let local):
            // Only a serial that differs from the shard's own is kept (one shard: none is),
            // the others are read back as `local`.
            if local != flowsCreated { serials[shard][local] = flowsCreated }
            flowsCreated += 1
            flowsTracked += 1
            flowsTrackedPeak = max(flowsTrackedPeak, flowsTracked)
        case .decided(let box, let local):
            guard options.stage != .flows, var record = box.record.take() else { return }
            let serial = runSerial(local, of: shard)
            record.sequence = serial + 1
            record.id = Int(serial) + 1
            phases.start()
            context.learn(record)
            phases.lap(.learn)
            diagnose(&record)
            phases.lap(.diagnose)
            concluded.append(Concluded(id: record.id, record: record))
        case .finished(let box, let reportable, let local):
            guard var record = box.record.take() else { return }
            let serial = runSerial(local, of: shard, forgetting: true)
            flowsTracked -= 1
            guard options.stage != .flows else { return }
            record.sequence = serial + 1
            record.id = Int(serial) + 1
            guard reportable else {
                if !options.streaming { concluded.append(Concluded(id: record.id, record: nil)) }
                return
            }
            phases.start()
            if workers[shard].leavesJudging { workers[shard].judgeCertificates(&record) }
            phases.lap(.judge)
            context.learn(record)
            phases.lap(.learn)
            diagnose(&record)
            phases.lap(.diagnose)
            concluded.append(Concluded(id: record.id, record: record))
        }
    }

    /// Diagnoses a record the moment its flow ends, with what the flows that ended before it
    /// taught (itself included), and counts it.
    private func diagnose(_ record: inout FlowRecord) {
        record.diagnoses = Diagnoser.diagnose(record, context: context)
        summary.add(record)
    }

    /// The records of a batch of events, diagnosed, go on in phases, each over the whole
    /// batch: the pattern finder counts them, their lines are rendered, and they are handed
    /// to the emission queue (or emitted, live), each phase in the events' order. Each phase
    /// keeps its own code and tables in the caches while it runs, instead of taking turns
    /// with the others flow after flow. A record bound for NDJSON leaves with its whole line
    /// rendered: while it waits in the emission queue, only the line and a few fields are kept.
    private func handOn(_ emit: (FlowRecord) -> Void) {
        guard !concluded.isEmpty else { return }
        phases.start()
        for index in concluded.indices {
            if let record = concluded[index].record { patternFinder.add(record) }
        }
        phases.lap(.patterns)
        if options.renderJSON {
            for index in concluded.indices {
                // Taken out while its line is set, so that the record's box is not shared
                // (a shared one would be copied).
                guard var record = concluded[index].record.take() else { continue }
                lineWriter.removeAll()
                FlowJSON.write(record, to: &lineWriter, fragments: lineFragments)
                // Own bytes in one array of their own size (the writer's buffer is far
                // larger, and reused).
                record.renderedJSON = RenderedJSON(line: lineWriter.runs)
                concluded[index].record = record
            }
        }
        phases.lap(.render)
        // Live (`streaming`), each record goes out at once (a flow left out of the report is
        // not recorded then); offline, through the emission queue, in the order flows began.
        for index in concluded.indices {
            let id = concluded[index].id
            if let record = concluded[index].record.take() {
                if options.streaming { emit(record) } else { queue.finished(id, record, emit: emit) }
            } else {
                queue.finishedUnreported(id, emit: emit)
            }
        }
        concluded.removeAll(keepingCapacity: true)
        phases.lap(.emit)
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
        var counters = TCPCounters()
        for worker in workers {
            onWorker(worker) { counters.add($0.counters) }
        }
        // Flows tracked at once over all shards, counted exactly from the merged events.
        counters.flowsTrackedPeak = flowsTrackedPeak
        summary.tcp = counters
        noteFlowsReportedLate()
        phases.start()
        summary.patterns = patternFinder.patterns()
        phases.lap(.summary)
    }

    /// Counts the flows the ordering queue reported late, and says so once among the
    /// warnings (its text kept up to date: the count grows from one capture file to the next).
    private func noteFlowsReportedLate() {
        let late = queue.reportedLate
        summary.flowsReportedLate = late
        guard late > 0 else { return }
        let warning =
            "\(counted(late, "flow")) reported after flows that began later: each was still open while more "
            + "than \(counted(queue.maxWaiting, "finished flow")), or more than \(queue.maxWaitingBytes >> 20) MiB "
            + "of their lines, waited behind it, and was passed over so that memory stays bounded; the flows' "
            + "ids give the order they began (sort the JSON lines by \"id\")"
        if let index = lateWarning, index < summary.warnings.count {
            summary.warnings[index] = warning
        } else {
            lateWarning = summary.warnings.count
            summary.warnings.append(warning)
        }
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
