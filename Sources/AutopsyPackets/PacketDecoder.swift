/// Decodes one captured packet's link, IP and TCP headers into a `TCPSegment`.
///
/// Pure and total: any byte sequence gives an outcome, never a trap, and the decode path
/// allocates nothing. The segment holds offsets into the packet, not its bytes.
public enum PacketDecoder {
    /// Decodes `packet`, framed as `linkType`, down to TCP.
    ///
    /// - Parameters:
    ///   - packet: The captured bytes (possibly cut short by the snap length).
    ///   - linkType: The capture's link-layer header type.
    /// - Returns: `.tcp` with the segment, `.notTCP`, `.fragment`, or `.malformed` with
    ///   the layer and offset that could not be decoded.
    public static func decode(_ packet: Span<UInt8>, linkType: LinkType) -> DecodeOutcome {
        do throws(PacketError) {
            var reader = PacketReader(count: packet.count)
            var vlan = VLANTags()
            let network = try LinkLayer.decode(packet, linkType: linkType, &reader, &vlan)
            let ip: IPLayerResult
            switch network {
            case .ipv4: ip = try IPv4Layer.decode(packet, &reader)
            case .ipv6: ip = try IPv6Layer.decode(packet, &reader)
            case .other: return .notTCP
            }
            switch ip {
            case .notTCP: return .notTCP
            case .fragment: return .fragment
            case .tcp(let header):
                return .tcp(try TCPLayer.decode(packet, &reader, network: header, vlan: vlan))
            }
        } catch {
            return .malformed(error)
        }
    }
}

/// The IP layer's verdict, and for TCP the facts the TCP layer needs.
enum IPLayerResult {
    /// A TCP packet; `reader` is at the TCP header.
    case tcp(NetworkHeader)
    /// Another upper protocol.
    case notTCP
    /// A fragment of a TCP packet.
    case fragment
}

/// The IP header fields a `TCPSegment` carries.
struct NetworkHeader {
    /// Source address.
    var source: IPAddress
    /// Destination address.
    var destination: IPAddress
    /// IPv4 TTL or IPv6 hop limit.
    var ttl: UInt8
    /// IPv4 identification; nil for IPv6.
    var ipID: UInt16?
    /// The TCP header and payload length the IP header declares.
    var transportLengthOnWire: Int
}
