/// Collects flow records at the moment their handshake is decided, for live capture,
/// which reports each flow as soon as it can rather than when its connection ends.
public final class DecisionSink {
    /// Records decided since the last `drain`.
    public var records: [FlowRecord] = []

    /// An empty sink.
    public init() {}

    /// Hands out the collected records and empties the sink.
    public func drain() -> [FlowRecord] {
        defer { records.removeAll(keepingCapacity: true) }
        return records
    }
}
