import AutopsyPackets

/// The table's bookkeeping for one live flow (its slot in the slab); the handler and
/// the two directions' reassembly state live in parallel arrays.
///
/// What every packet reads comes first (the key, the direction, the time, the buffering
/// position), then what only a flow's start and end read: with a thousand flows open, a
/// flow's slot is out of the caches by its next packet, and each line of it touched is a miss.
struct FlowState {
    /// The connection's key.
    var key: FlowKey
    /// The key's hash (`FlowIndex.hash`, this table's `FlowHash`), kept so that finishing the flow does not hash it again.
    var hash: UInt64
    /// Whether the initiator is the key's lower endpoint.
    var initiatorIsLower: Bool
    /// Capture time of the latest packet.
    var lastSeen: Timestamp
    /// The table's stamp of the latest packet (`FlowTable.clock`): the order of last use.
    var stamp: UInt64
    /// Position in the table's list of flows with buffered data, or -1.
    var bufferingPosition = -1
    /// How the flow began.
    var start: FlowStart
    /// Creation order, for deterministic tie-breaks and end-of-capture order.
    var serial: UInt64

    /// The direction of a segment whose sender is (or is not) the key's lower endpoint.
    func direction(senderIsLower: Bool) -> StreamDirection {
        senderIsLower == initiatorIsLower ? .initiator : .responder
    }
}
