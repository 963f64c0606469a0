/// The network protocol a link-layer header announces.
enum NetworkProtocol {
    /// IPv4 (ethertype 0x0800, AF_INET).
    case ipv4
    /// IPv6 (ethertype 0x86dd, AF_INET6).
    case ipv6
    /// Anything else: ARP, 802.3 length frames, other ethertypes and address families.
    case other
}

/// Link-layer headers: Ethernet II with VLAN tags, Linux cooked v1 and v2, BSD
/// loopback (NULL, LOOP) and raw IP.
enum LinkLayer {
    /// Ethernet II header length: destination, source, ethertype.
    static let ethernetHeaderLength = 14
    /// LINUX_SLL header: packet type, ARPHRD type, address length, address (8), protocol.
    static let sllHeaderLength = 16
    /// LINUX_SLL2 header: protocol, reserved, interface index, ARPHRD type, packet
    /// type, address length, address (8).
    static let sll2HeaderLength = 20

    /// Reads the link-layer header, leaves `reader` at the network header and returns
    /// which protocol it holds.
    @inline(__always)
    static func decode(
        _ bytes: Span<UInt8>, linkType: LinkType, _ reader: inout PacketReader, _ vlan: inout VLANTags
    ) throws(PacketError) -> NetworkProtocol {
        switch linkType {
        case .ethernet:
            try reader.require(ethernetHeaderLength, "ethernet")
            let etherType = try reader.uint16(bytes, at: 12, "ethernet")
            try reader.skip(ethernetHeaderLength, "ethernet")
            return try afterEtherType(etherType, bytes, &reader, &vlan)
        case .linuxSLL:
            try reader.require(sllHeaderLength, "sll")
            let etherType = try reader.uint16(bytes, at: 14, "sll")
            try reader.skip(sllHeaderLength, "sll")
            return try afterEtherType(etherType, bytes, &reader, &vlan)
        case .linuxSLL2:
            try reader.require(sll2HeaderLength, "sll2")
            let etherType = try reader.uint16(bytes, at: 0, "sll2")
            try reader.skip(sll2HeaderLength, "sll2")
            return try afterEtherType(etherType, bytes, &reader, &vlan)
        case .null:
            // The capturing host's byte order, which the file does not record: try both.
            try reader.require(4, "null")
            let big = try reader.uint32(bytes, at: 0, "null")
            try reader.skip(4, "null")
            let family = addressFamily(big)
            return family != .other ? family : addressFamily(big.byteSwapped)
        case .loop:
            try reader.require(4, "loop")
            let family = try reader.uint32(bytes, at: 0, "loop")
            try reader.skip(4, "loop")
            return addressFamily(family)
        case .raw:
            let version = try reader.uint8(bytes, at: 0, "ip") >> 4
            switch version {
            case 4: return .ipv4
            case 6: return .ipv6
            default: throw reader.error(.badHeader, "ip")
            }
        case .ipv4:
            return .ipv4
        case .ipv6:
            return .ipv6
        default:
            throw reader.error(.unsupported, "link")
        }
    }

    /// Follows any number of 802.1Q (0x8100), 802.1ad (0x88a8) and legacy QinQ (0x9100)
    /// tags, keeping the first two ids, to the ethertype of the payload.
    static func afterEtherType(
        _ first: UInt16, _ bytes: Span<UInt8>, _ reader: inout PacketReader, _ vlan: inout VLANTags
    ) throws(PacketError) -> NetworkProtocol {
        var etherType = first
        // Each tag consumes 4 bytes, so the loop ends with the packet.
        while etherType == 0x8100 || etherType == 0x88a8 || etherType == 0x9100 {
            try reader.require(4, "vlan")
            let tci = try reader.uint16(bytes, at: 0, "vlan")
            vlan.append(tci & 0x0fff)
            etherType = try reader.uint16(bytes, at: 2, "vlan")
            try reader.skip(4, "vlan")
        }
        switch etherType {
        case 0x0800: return .ipv4
        case 0x86dd: return .ipv6
        default: return .other
        }
    }

    /// The network protocol of a BSD address family: AF_INET is 2 everywhere; AF_INET6
    /// is 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (Darwin).
    static func addressFamily(_ family: UInt32) -> NetworkProtocol {
        switch family {
        case 2: return .ipv4
        case 24, 28, 30: return .ipv6
        default: return .other
        }
    }
}
