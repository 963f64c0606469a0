import AutopsyPackets

/// Which side of a TCP connection sent a segment.
///
/// The initiator is the side that sent the first SYN; when the capture has no SYN,
/// the sender of the first packet seen. The flow layer later names the sides client
/// and server by who sent the ClientHello.
public enum StreamDirection: UInt8, Sendable, Hashable {
    /// The side that opened the connection (or sent the first packet seen).
    case initiator
    /// The other side.
    case responder

    /// The other direction.
    public var reversed: StreamDirection { self == .initiator ? .responder : .initiator }
}

/// How a flow came into the table.
public struct FlowStart: Sendable, Hashable {
    /// Address of the initiator.
    public var initiator: IPAddress
    /// Port of the initiator.
    public var initiatorPort: UInt16
    /// Address of the responder.
    public var responder: IPAddress
    /// Port of the responder.
    public var responderPort: UInt16
    /// VLAN tags of the first packet.
    public var vlan: VLANTags
    /// Whether the flow began with a SYN (false: the capture started mid-flow).
    public var sawSYN: Bool
    /// The first packet.
    public var packet: PacketInfo
    /// The flow's rank among the flows the table created, from 0, in order of first packet.
    public var serial: UInt64

    /// Creates a flow start.
    public init(
        initiator: IPAddress, initiatorPort: UInt16, responder: IPAddress, responderPort: UInt16,
        vlan: VLANTags, sawSYN: Bool, packet: PacketInfo, serial: UInt64 = 0
    ) {
        self.serial = serial
        self.initiator = initiator
        self.initiatorPort = initiatorPort
        self.responder = responder
        self.responderPort = responderPort
        self.vlan = vlan
        self.sawSYN = sawSYN
        self.packet = packet
    }
}

/// Why a flow left the table.
public enum FlowEnd: String, Sendable, Hashable {
    /// Both sides sent FIN, or one sent RST.
    case closed
    /// No packet for the idle timeout (capture clock).
    case idle
    /// Evicted to stay within `Limits` (too many flows, or too much buffered data).
    case evicted
    /// The capture ended with the flow still open.
    case endOfCapture = "end_of_capture"
}

/// What a flow's reassembled byte streams are delivered to: the per-flow TLS session.
///
/// The flow table calls these in capture order. In-order payload is passed as a
/// `Span` over the packet (no copy); only out-of-order data is copied and buffered.
public protocol StreamHandler {
    /// Every segment of the flow, before its payload is delivered: frame, time, TTL,
    /// IP id and flags, and whether it repeated bytes already seen.
    mutating func segment(from direction: StreamDirection, packet: PacketInfo, payloadLength: Int, retransmission: Bool)
    /// The next in-order bytes of one direction's stream.
    mutating func data(_ bytes: Span<UInt8>, from direction: StreamDirection, packet: PacketInfo)
    /// Bytes of one direction are missing for good (lost before the capture point, or a
    /// limit was hit); nothing more of that direction will be delivered after a gap
    /// unless the handler can resynchronise.
    mutating func gap(from direction: StreamDirection, missingBytes: UInt64, packet: PacketInfo)
    /// A FIN (`reset == false`) or RST (`reset == true`) from one side.
    mutating func closed(from direction: StreamDirection, reset: Bool, packet: PacketInfo)
    /// True once the handshake is decided and the handler has dropped its parse state.
    /// From then on the table buffers at most `Limits.outOfOrderBytesAfterDecision` of
    /// out-of-order data per direction: the handler only follows record headers. The
    /// flow stays in the table (as a small entry) until it closes, idles out or the
    /// capture ends.
    var isDecided: Bool { get }
}
