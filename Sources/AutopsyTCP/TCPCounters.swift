/// What the flow table saw and what it could not use, for the run summary.
///
/// Every bound in `Limits` that was hit has a counter here: nothing is dropped silently.
public struct TCPCounters: Sendable, Hashable {
    /// Flows entered into the table.
    public var flowsCreated = 0
    /// The most flows tracked at once (at most `Limits.maxFlows`).
    public var flowsTrackedPeak = 0
    /// The most tombstones held at once (at most `Limits.maxFlows`).
    public var tombstonesPeak = 0
    /// Flows whose first packet was not a SYN or SYN-ACK (the capture began mid-flow).
    public var flowsWithoutSYN = 0
    /// TCP segments ingested (every call to `ingest`).
    public var segments = 0
    /// Segments whose sequence space had all been delivered or buffered already.
    public var retransmittedSegments = 0
    /// Keep-alive probes: no SYN/FIN/RST, at most one byte, one byte behind the expected sequence number.
    public var keepAlives = 0
    /// Segments ahead of the expected sequence number whose bytes were copied and buffered.
    public var outOfOrderSegmentsBuffered = 0
    /// The most out-of-order bytes (payload plus per-segment overhead) buffered over all flows at once.
    public var outOfOrderBytesPeak = 0
    /// Gaps delivered to handlers (bytes missing for good).
    public var gaps = 0
    /// Bytes of sequence space covered by those gaps.
    public var gapBytes: UInt64 = 0
    /// Holes given up because a direction hit `Limits.outOfOrderBytesPerDirection`.
    public var perDirectionLimitHits = 0
    /// Flows evicted because all flows together hit `Limits.outOfOrderBytesTotal`.
    public var totalLimitEvictions = 0
    /// Flows evicted (least recently seen) because `Limits.maxFlows` flows were tracked.
    public var maxFlowsEvictions = 0
    /// Flows closed after `Limits.idleTimeoutNanoseconds` without a packet.
    public var idleExpiries = 0
    /// Holes given up because data waited longer than `Limits.pendingDataAgeNanoseconds`.
    public var pendingAgeFlushes = 0
    /// Flows finished because both sides sent FIN or one sent RST.
    public var flowsClosed = 0
    /// Flows still open when the capture ended.
    public var flowsOpenAtEnd = 0
    /// A SYN (without ACK) with a new initial sequence number on a live flow: the old
    /// flow was finished as `.closed` and a new one started (port reuse).
    public var portReuses = 0
    /// Segments absorbed by a tombstone (a closed or evicted connection's trailing packets).
    public var tombstoneHits = 0
    /// Tombstones dropped before their timeout to stay within `Limits.maxFlows`.
    public var tombstoneEvictions = 0
    /// Segments on an unknown connection that started no flow: pure ACKs and lone RSTs.
    public var segmentsWithoutFlow = 0
    /// Segments cut short by the capture's snap length (a gap follows their captured bytes).
    public var truncatedSegments = 0
    /// Segments ignored as implausible: more than `SeqNum.plausibleWindow` ahead of the
    /// expected sequence number, or with inconsistent lengths.
    public var malformedSegments = 0

    /// All zero.
    public init() {}
}

extension TCPCounters {
    /// Adds another table's counts (the shards of one run). Peaks add up too: the sum of
    /// the shards' peaks bounds the whole run's peak from above.
    public mutating func add(_ other: TCPCounters) {
        flowsCreated &+= other.flowsCreated
        flowsTrackedPeak &+= other.flowsTrackedPeak
        tombstonesPeak &+= other.tombstonesPeak
        flowsWithoutSYN &+= other.flowsWithoutSYN
        segments &+= other.segments
        retransmittedSegments &+= other.retransmittedSegments
        keepAlives &+= other.keepAlives
        outOfOrderSegmentsBuffered &+= other.outOfOrderSegmentsBuffered
        outOfOrderBytesPeak &+= other.outOfOrderBytesPeak
        gaps &+= other.gaps
        gapBytes &+= other.gapBytes
        perDirectionLimitHits &+= other.perDirectionLimitHits
        totalLimitEvictions &+= other.totalLimitEvictions
        maxFlowsEvictions &+= other.maxFlowsEvictions
        idleExpiries &+= other.idleExpiries
        pendingAgeFlushes &+= other.pendingAgeFlushes
        flowsClosed &+= other.flowsClosed
        flowsOpenAtEnd &+= other.flowsOpenAtEnd
        portReuses &+= other.portReuses
        tombstoneHits &+= other.tombstoneHits
        tombstoneEvictions &+= other.tombstoneEvictions
        segmentsWithoutFlow &+= other.segmentsWithoutFlow
        truncatedSegments &+= other.truncatedSegments
        malformedSegments &+= other.malformedSegments
    }
}
