import AutopsyPackets
import Testing

/// `bytes` with the bytes at `offset` replaced by `values`.
func patched(_ bytes: [UInt8], at offset: Int, _ values: UInt8...) -> [UInt8] {
    var copy = bytes
    for (index, value) in values.enumerated() { copy[offset + index] = value }
    return copy
}

/// A packet that decodes to a TCP segment, and what the segment must hold.
struct TCPSample: Sendable, CustomTestStringConvertible {
    let name: String
    let linkType: LinkType
    let bytes: [UInt8]
    let source: String
    let destination: String
    let sourcePort: UInt16
    let destinationPort: UInt16
    let sequence: UInt32
    let acknowledgment: UInt32
    let flags: TCPFlags
    let window: UInt16
    let ttl: UInt8
    let ipID: UInt16?
    let vlan: [Int]
    let payloadOffset: Int
    let payloadLength: Int
    let payloadLengthOnWire: Int

    var testDescription: String { name }

    /// A `tcpPushWithOptions + payload10` packet behind `link`, IPv4 or IPv6 header `ip`.
    static func push(
        _ name: String, _ linkType: LinkType, link: [UInt8], ip: [UInt8], source: String, destination: String,
        ttl: UInt8, ipID: UInt16?, vlan: [Int] = [], trailer: [UInt8] = [], cut: Int = 0
    ) -> TCPSample {
        let full = link + ip + tcpPushWithOptions + payload10 + trailer
        let offset = link.count + ip.count + tcpPushWithOptions.count
        return TCPSample(
            name: name, linkType: linkType, bytes: Array(full.dropLast(cut)),
            source: source, destination: destination, sourcePort: 50000, destinationPort: 443,
            sequence: 4096, acknowledgment: 8192, flags: [.psh, .ack], window: 64240, ttl: ttl, ipID: ipID,
            vlan: vlan, payloadOffset: offset, payloadLength: payload10.count - max(0, cut - trailer.count),
            payloadLengthOnWire: payload10.count)
    }

    /// A `tcpSyn` packet (no payload) behind `link` and `ipv4ForSyn`.
    static func syn(_ name: String, _ linkType: LinkType, link: [UInt8], trailer: [UInt8] = []) -> TCPSample {
        TCPSample(
            name: name, linkType: linkType, bytes: link + ipv4ForSyn + tcpSyn + trailer,
            source: "172.16.0.1", destination: "172.16.0.2", sourcePort: 54321, destinationPort: 80,
            sequence: 4_294_967_280, acknowledgment: 0, flags: [.syn], window: 65535, ttl: 1, ipID: 1,
            vlan: [], payloadOffset: link.count + 40, payloadLength: 0, payloadLengthOnWire: 0)
    }
}

/// IPv4 push: 10.0.0.1 -> 10.0.0.2, TTL 64, id 0x1234.
private func v4(
    _ name: String, _ linkType: LinkType, _ link: [UInt8], vlan: [Int] = [], trailer: [UInt8] = [], cut: Int = 0
) -> TCPSample {
    .push(
        name, linkType, link: link, ip: ipv4ForPush, source: "10.0.0.1", destination: "10.0.0.2",
        ttl: 64, ipID: 0x1234, vlan: vlan, trailer: trailer, cut: cut)
}

/// IPv6 push: 2001:db8::1 -> 2001:db8::2, hop limit 64.
private func v6(_ name: String, _ linkType: LinkType, _ link: [UInt8], vlan: [Int] = []) -> TCPSample {
    .push(
        name, linkType, link: link, ip: ipv6ForPush, source: "2001:db8::1", destination: "2001:db8::2",
        ttl: 64, ipID: nil, vlan: vlan)
}

/// Every valid TCP packet the decoder must read.
let tcpSamples: [TCPSample] = [
    v4("Ethernet IPv4", .ethernet, ethernetIPv4),
    .push(
        "Ethernet IPv4 with options", .ethernet, link: ethernetIPv4, ip: ipv4WithOptionsForPush,
        source: "192.168.1.10", destination: "192.168.1.20", ttl: 127, ipID: 0xabcd),
    v6("Ethernet IPv6", .ethernet, ethernetIPv6),
    .push(
        "Ethernet IPv6 with hop-by-hop, destination, routing, atomic fragment, AH", .ethernet,
        link: ethernetIPv6, ip: ipv6WithExtensionsForPush, source: "fe80::a", destination: "fe80::b",
        ttl: 255, ipID: nil),
    v4("802.1Q VLAN 100", .ethernet, ethernetVLAN100, vlan: [100]),
    v6("QinQ 802.1ad 200 / 802.1Q 100", .ethernet, ethernetQinQ, vlan: [200, 100]),
    v4("three tags keep the first two ids", .ethernet, ethernetThreeTags, vlan: [4095, 2]),
    v4("LINUX_SLL IPv4", .linuxSLL, sllIPv4),
    v6("LINUX_SLL2 IPv6", .linuxSLL2, sll2IPv6),
    .syn("LINUX_SLL2 IPv4 SYN", .linuxSLL2, link: sll2IPv4),
    v4("NULL AF_INET little-endian", .null, nullIPv4LittleEndian),
    v4("NULL AF_INET big-endian", .null, nullIPv4BigEndian),
    v6("NULL AF_INET6 Darwin", .null, nullIPv6Darwin),
    v6("NULL AF_INET6 FreeBSD big-endian", .null, nullIPv6FreeBSD),
    v6("LOOP AF_INET6", .loop, loopIPv6),
    v4("LOOP AF_INET", .loop, loopIPv4),
    v4("RAW IPv4", .raw, []),
    v6("RAW IPv6", .raw, []),
    v4("IPV4 link type", .ipv4, []),
    v6("IPV6 link type", .ipv6, []),
    .syn("Ethernet padding after a SYN is not payload", .ethernet, link: ethernetIPv4, trailer: [0, 0, 0, 0, 0, 0]),
    v4("Ethernet padding after a payload", .ethernet, ethernetIPv4, trailer: [0xee, 0xee]),
    v4("snap length cut 4 payload bytes", .ethernet, ethernetIPv4, cut: 4),
    v4("snap length cut the whole payload", .ethernet, ethernetIPv4, cut: 10),
]
