/// Every bound the analyzer keeps on memory and time, in one value.
///
/// Hitting a bound is counted and reported in the summary; it is never a crash or an
/// unbounded allocation. Each field has a CLI override (`tlsautopsy analyze --help`).
/// All times are on the capture clock.
public struct Limits: Sendable, Hashable {
    /// Out-of-order bytes buffered per direction before the hole is skipped as a gap.
    public var outOfOrderBytesPerDirection: Int = 256 * 1024
    /// Out-of-order bytes buffered per direction once a flow's handshake is decided (only
    /// record headers are followed then, for closing alerts).
    public var outOfOrderBytesAfterDecision: Int = 16 * 1024
    /// Out-of-order bytes buffered over all flows before the flow holding the most is evicted.
    public var outOfOrderBytesTotal: Int = 256 * 1024 * 1024
    /// Bytes of one unfinished TLS record held per direction (2^14 + 2048 body + 5 header, rounded up).
    public var partialRecordBytes: Int = 18 * 1024
    /// Bytes of one handshake message reassembled from records before it is given up.
    public var handshakeMessageBytes: Int = 64 * 1024
    /// A flow with no packet for this long (capture clock) is closed and reported.
    public var idleTimeoutNanoseconds: Int64 = 300 * 1_000_000_000
    /// Out-of-order data waiting this long for a hole to fill is flushed past the hole as a gap.
    public var pendingDataAgeNanoseconds: Int64 = 30 * 1_000_000_000
    /// Flows tracked at once; past this the least recently seen flow is evicted.
    public var maxFlows: Int = 1_000_000
    /// Closed connections remembered (tombstones, 30 to 40 bytes each), and never more than
    /// `maxFlows`; past this the longest-remembered one is forgotten. 65,536 is the whole
    /// TIME-WAIT of a capture closing 1,000 connections a second, and still 6 s of one closing
    /// 10,000 a second: the trailing ACK and FIN of a connection come within a round trip.
    public var maxTombstones: Int = 65_536
    /// Plaintext bytes per direction searched for a STARTTLS-style upgrade to TLS.
    public var plaintextScanBytes: Int = 64 * 1024

    /// The documented defaults.
    public init() {}
}
