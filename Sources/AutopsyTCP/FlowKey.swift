import AutopsyPackets

/// The identity of a TCP connection, independent of direction: both endpoints in
/// canonical order (lower address and port first) plus the VLAN tags.
///
/// A fixed-size value with no heap storage, so hashing and lookups never allocate
/// (gopacket's `Endpoint` raw arrays serve the same purpose).
public struct FlowKey: Sendable, Hashable, CustomStringConvertible {
    /// Address of the lower endpoint.
    public var lowerAddress: IPAddress
    /// Address of the upper endpoint.
    public var upperAddress: IPAddress
    /// Port of the lower endpoint.
    public var lowerPort: UInt16
    /// Port of the upper endpoint.
    public var upperPort: UInt16
    /// VLAN tags in front of the IP header (part of the identity: the same addresses on
    /// two VLANs are two connections).
    public var vlan: VLANTags

    /// The key of the connection a segment belongs to.
    public init(_ segment: TCPSegment) {
        self = FlowKey.canonical(segment).key
    }

    /// The key of a segment's connection, and whether the segment's sender is the lower
    /// endpoint (which gives the segment's direction once the initiator is known). Inlined
    /// into the table's lookup: returned from a call, the key was copied field by field.
    @inline(__always)
    public static func canonical(_ segment: TCPSegment) -> (key: FlowKey, senderIsLower: Bool) {
        let sourceFirst = isLower(
            segment.source, segment.sourcePort, than: segment.destination, segment.destinationPort)
        if sourceFirst {
            return (
                FlowKey(
                    lowerAddress: segment.source, upperAddress: segment.destination,
                    lowerPort: segment.sourcePort, upperPort: segment.destinationPort, vlan: segment.vlan),
                true
            )
        }
        return (
            FlowKey(
                lowerAddress: segment.destination, upperAddress: segment.source,
                lowerPort: segment.destinationPort, upperPort: segment.sourcePort, vlan: segment.vlan),
            false
        )
    }

    /// Creates a key from endpoints already in canonical order.
    init(lowerAddress: IPAddress, upperAddress: IPAddress, lowerPort: UInt16, upperPort: UInt16, vlan: VLANTags) {
        self.lowerAddress = lowerAddress
        self.upperAddress = upperAddress
        self.lowerPort = lowerPort
        self.upperPort = upperPort
        self.vlan = vlan
    }

    /// Endpoint order: by address (`IPAddress` order), then port. Equal endpoints (a
    /// connection to itself) count as lower, so both directions share one key.
    /// The fields in as few words as they fill: three for an IPv4 pair (both addresses in
    /// one word), six with IPv6, instead of a dozen fields. The hasher stays the standard
    /// library's seeded one, so crafted keys cannot collide on purpose; equality still
    /// compares every field. (The flow table's own index hashes keys with `FlowHash`.)
    public func hash(into hasher: inout Hasher) {
        let flags = (lowerAddress.isIPv6 ? 1 : 0) | (upperAddress.isIPv6 ? 2 : 0) | UInt64(vlan.count) << 2
        if let lower = lowerAddress.ipv4, let upper = upperAddress.ipv4 {
            hasher.combine(UInt64(lower) << 32 | UInt64(upper))
        } else {
            hasher.combine(lowerAddress.high)
            hasher.combine(lowerAddress.low)
            hasher.combine(upperAddress.high)
            hasher.combine(upperAddress.low)
        }
        hasher.combine(
            UInt64(lowerPort) << 48 | UInt64(upperPort) << 32 | UInt64(vlan.outer) << 16 | UInt64(vlan.inner))
        hasher.combine(flags)
    }

    @inline(__always)
    static func isLower(_ address: IPAddress, _ port: UInt16, than other: IPAddress, _ otherPort: UInt16) -> Bool {
        if address != other { return address < other }
        return port <= otherPort
    }

    /// `a.b.c.d:p <-> e.f.g.h:q`, with `[v6]:p` for IPv6 and the VLAN ids when present.
    public var description: String {
        func endpoint(_ address: IPAddress, _ port: UInt16) -> String {
            address.isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
        }
        let tags = vlan.ids.isEmpty ? "" : " vlan \(vlan.ids.map(String.init).joined(separator: "/"))"
        return endpoint(lowerAddress, lowerPort) + " <-> " + endpoint(upperAddress, upperPort) + tags
    }
}
