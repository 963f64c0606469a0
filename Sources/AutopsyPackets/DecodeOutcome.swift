/// What `PacketDecoder.decode` made of one captured packet.
public enum DecodeOutcome: Sendable, Equatable {
    /// A TCP segment over IPv4 or IPv6.
    case tcp(TCPSegment)
    /// A well-formed packet that does not carry TCP: UDP, ICMP, ARP, IPsec ESP, an
    /// 802.3 length frame, another ethertype or address family.
    case notTCP
    /// An IPv4 or IPv6 fragment of a TCP packet (IPv4: MF set or a non-zero offset;
    /// IPv6: a fragment header other than an atomic one). Counted and skipped: the
    /// analyzer does not reassemble IP.
    case fragment
    /// A header that could not be decoded; the error says which layer and where.
    case malformed(PacketError)
}
