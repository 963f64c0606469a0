/// The TCP header flags (RFC 9293, section 3.1).
public struct TCPFlags: OptionSet, Sendable, Hashable {
    /// The raw flag bits (FIN is bit 0).
    public var rawValue: UInt8
    /// Creates flags from the header's flag byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// No more data from the sender.
    public static let fin = TCPFlags(rawValue: 0x01)
    /// Synchronize sequence numbers.
    public static let syn = TCPFlags(rawValue: 0x02)
    /// Reset the connection.
    public static let rst = TCPFlags(rawValue: 0x04)
    /// Push function.
    public static let psh = TCPFlags(rawValue: 0x08)
    /// The acknowledgment field is significant.
    public static let ack = TCPFlags(rawValue: 0x10)
    /// Urgent pointer field is significant.
    public static let urg = TCPFlags(rawValue: 0x20)
}

/// Up to two 802.1Q / 802.1ad VLAN ids, outer first, stored inline.
public struct VLANTags: Sendable, Hashable {
    /// How many tags were seen (0, 1 or 2; more are counted but not kept).
    public var count: UInt8 = 0
    /// The outer VLAN id (12 bits), valid when `count >= 1`.
    public var outer: UInt16 = 0
    /// The inner VLAN id (12 bits), valid when `count >= 2`.
    public var inner: UInt16 = 0

    /// No tags.
    public init() {}

    /// The ids as a list, outer first.
    public var ids: [Int] {
        switch count {
        case 0: return []
        case 1: return [Int(outer)]
        default: return [Int(outer), Int(inner)]
        }
    }

    /// Adds a tag after those already seen.
    public mutating func append(_ id: UInt16) {
        switch count {
        case 0: outer = id
        case 1: inner = id
        default: break
        }
        if count < 255 { count += 1 }
    }
}

/// One decoded TCP segment: the facts reassembly and reset analysis need, and where
/// the payload sits in the packet bytes. Holds no reference to the packet itself.
public struct TCPSegment: Sendable, Hashable {
    /// Source address.
    public var source: IPAddress
    /// Destination address.
    public var destination: IPAddress
    /// Source port.
    public var sourcePort: UInt16
    /// Destination port.
    public var destinationPort: UInt16
    /// Sequence number.
    public var sequence: UInt32
    /// Acknowledgment number.
    public var acknowledgment: UInt32
    /// Header flags.
    public var flags: TCPFlags
    /// Receive window (unscaled).
    public var window: UInt16
    /// IPv4 TTL or IPv6 hop limit.
    public var ttl: UInt8
    /// IPv4 identification; nil for IPv6.
    public var ipID: UInt16?
    /// VLAN tags in front of the IP header.
    public var vlan: VLANTags
    /// Offset of the TCP payload from the start of the packet bytes.
    public var payloadOffset: Int
    /// Payload bytes present in the captured packet.
    public var payloadLength: Int
    /// Payload bytes the IP header says the segment carried; more than `payloadLength`
    /// when the capture cut the packet short (snap length).
    public var payloadLengthOnWire: Int

    /// Creates a segment.
    public init(
        source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
        sequence: UInt32, acknowledgment: UInt32, flags: TCPFlags, window: UInt16, ttl: UInt8,
        ipID: UInt16?, vlan: VLANTags, payloadOffset: Int, payloadLength: Int, payloadLengthOnWire: Int
    ) {
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
        self.window = window
        self.ttl = ttl
        self.ipID = ipID
        self.vlan = vlan
        self.payloadOffset = payloadOffset
        self.payloadLength = payloadLength
        self.payloadLengthOnWire = payloadLengthOnWire
    }

    /// Whether the capture holds fewer payload bytes than the segment carried.
    public var isTruncated: Bool { payloadLength < payloadLengthOnWire }
}

/// The per-packet facts that travel with data through reassembly into the flow:
/// frame number, capture time, and the header fields reset analysis uses.
public struct PacketInfo: Sendable, Hashable {
    /// 1-based frame number in the capture, as tshark counts.
    public var frame: UInt64
    /// Capture timestamp.
    public var timestamp: Timestamp
    /// IPv4 TTL or IPv6 hop limit.
    public var ttl: UInt8
    /// IPv4 identification; nil for IPv6.
    public var ipID: UInt16?
    /// TCP flags of the segment.
    public var flags: TCPFlags

    /// Creates packet facts.
    public init(frame: UInt64, timestamp: Timestamp, ttl: UInt8, ipID: UInt16?, flags: TCPFlags) {
        self.frame = frame
        self.timestamp = timestamp
        self.ttl = ttl
        self.ipID = ipID
        self.flags = flags
    }
}
