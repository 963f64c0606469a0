import AutopsyTCP

/// What one capture file contributed.
public struct CaptureSummary: Sendable, Hashable {
    /// The file's name as given.
    public var file: String
    /// Its link type, by libpcap name.
    public var linkType: String
    /// Packets read from it.
    public var packets = 0
    /// When the file was cut short mid-packet: libpcap's words.
    public var truncated: String?

    /// Creates a capture summary.
    public init(file: String, linkType: String) {
        self.file = file
        self.linkType = linkType
    }
}

/// The counts of a whole run: the summary object of the NDJSON output and the text
/// report's last block. Every stage's losses are here; nothing is dropped silently.
public struct AnalysisSummary: Sendable, Hashable {
    /// The files read, in order.
    public var captures: [CaptureSummary] = []
    /// Packets read.
    public var packets = 0
    /// TCP segments decoded.
    public var tcpSegments = 0
    /// Packets that were not TCP over IP (UDP, ARP, ...).
    public var nonTCPPackets = 0
    /// IP fragments (counted and skipped).
    public var ipFragments = 0
    /// Packets whose headers did not decode.
    public var malformedPackets = 0
    /// Segments whose payload the snap length cut short.
    public var truncatedSegments = 0
    /// Flows reported.
    public var flows = 0
    /// Reported flows that carried TLS.
    public var tlsFlows = 0
    /// Flows reported after a flow that began later (offline, where the lines go out in the
    /// order the flows began): a flow still open while too many finished flows waited behind
    /// it was passed over, so that memory stays bounded, and reported when it ended.
    public var flowsReportedLate = 0
    /// Reported flows per outcome (the outcomes seen).
    public var outcomes: [Outcome: Int] {
        get {
            var counts: [Outcome: Int] = [:]
            for (outcome, count) in zip(Outcome.allCases, outcomeCounts) where count > 0 { counts[outcome] = count }
            return counts
        }
        set { outcomeCounts = Outcome.allCases.map { newValue[$0] ?? 0 } }
    }
    /// Reported flows that did not complete a handshake (neither established nor resumed).
    public var flowsWithoutHandshake: Int {
        flows - outcomeCounts[Outcome.established.ordinal] - outcomeCounts[Outcome.resumed.ordinal]
    }
    /// The counts by `Outcome.ordinal`: a dictionary keyed by outcome hashed the outcome's
    /// raw text (a String) once a flow.
    private var outcomeCounts = [Int](repeating: 0, count: Outcome.allCases.count)
    /// Diagnoses given, by id.
    public var diagnoses: [String: Int] = [:]
    /// Patterns across flows (set at the end of the run, or in periodic summaries).
    public var patterns: [PatternStatement] = []
    /// Records or handshake messages that did not parse.
    public var malformedRecords = 0
    /// Reassembly counters.
    public var tcp = TCPCounters()
    /// The most bytes of unfinished TLS data (record body plus handshake message) any
    /// reported flow held for one direction.
    public var tlsBufferPeakBytes = 0
    /// Packets the kernel dropped (live capture only).
    public var droppedByKernel: Int?
    /// Packets the interface dropped (live capture only).
    public var droppedByInterface: Int?
    /// Warnings for the user (e.g. a file cut short).
    public var warnings: [String] = []

    /// An empty summary.
    public init() {}

    /// Counts a reported flow.
    public mutating func add(_ record: FlowRecord) {
        flows += 1
        if record.sawTLS { tlsFlows += 1 }
        let ordinal = record.outcome.ordinal
        if ordinal < outcomeCounts.count { outcomeCounts[ordinal] += 1 }
        malformedRecords += record.malformedRecords
        tlsBufferPeakBytes = max(tlsBufferPeakBytes, record.tlsBufferPeakBytes)
        for diagnosis in record.diagnoses { diagnoses[diagnosis.id, default: 0] += 1 }
    }
}
