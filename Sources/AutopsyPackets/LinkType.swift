/// A libpcap link-layer header type (LINKTYPE_* of the tcpdump.org registry, which the
/// capture reader maps DLT_* values to).
public struct LinkType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The LINKTYPE_ value.
    public var rawValue: Int32
    /// Creates a link type from its LINKTYPE_ value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// BSD loopback: a 4-byte address family in host byte order.
    public static let null = LinkType(rawValue: 0)
    /// Ethernet II, with optional 802.1Q / 802.1ad tags.
    public static let ethernet = LinkType(rawValue: 1)
    /// Raw IP, version from the first nibble (LINKTYPE_RAW).
    public static let raw = LinkType(rawValue: 101)
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    public static let loop = LinkType(rawValue: 108)
    /// Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10).
    public static let linuxSLL = LinkType(rawValue: 113)
    /// Raw IPv4.
    public static let ipv4 = LinkType(rawValue: 228)
    /// Raw IPv6.
    public static let ipv6 = LinkType(rawValue: 229)
    /// Linux cooked capture v2 (`tcpdump -i any` since libpcap 1.10).
    public static let linuxSLL2 = LinkType(rawValue: 276)

    /// The link types the decoder understands.
    public static let supported: [LinkType] = [.null, .ethernet, .raw, .loop, .linuxSLL, .ipv4, .ipv6, .linuxSLL2]

    /// Whether the decoder understands this link type.
    public var isSupported: Bool { Self.supported.contains(self) }

    /// The libpcap name, e.g. `EN10MB` or `LINUX_SLL2`.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .ethernet: return "EN10MB"
        case .raw: return "RAW"
        case .loop: return "LOOP"
        case .linuxSLL: return "LINUX_SLL"
        case .ipv4: return "IPV4"
        case .ipv6: return "IPV6"
        case .linuxSLL2: return "LINUX_SLL2"
        default: return "LINKTYPE \(rawValue)"
        }
    }
}
