import AutopsyPackets

/// The table's bookkeeping for one live flow (its slot in the slab); the handler and
/// the two directions' reassembly state live in parallel arrays.
struct FlowState {
    /// The connection's key.
    var key: FlowKey
    /// The key's hash (`FlowIndex.hash`, this table's `FlowHash`), kept so that finishing the flow does not hash it again.
    var hash: UInt64
    /// How the flow began.
    var start: FlowStart
    /// Whether the initiator is the key's lower endpoint.
    var initiatorIsLower: Bool
    /// Creation order, for deterministic tie-breaks and end-of-capture order.
    var serial: UInt64
    /// Capture time of the latest packet.
    var lastSeen: Timestamp
    /// Position in the table's list of flows with buffered data, or -1.
    var bufferingPosition = -1

    /// The direction of a segment whose sender is (or is not) the key's lower endpoint.
    func direction(senderIsLower: Bool) -> StreamDirection {
        senderIsLower == initiatorIsLower ? .initiator : .responder
    }
}
