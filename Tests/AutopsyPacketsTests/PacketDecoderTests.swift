import Testing

@testable import AutopsyPackets

/// Decodes `bytes` as `linkType`.
func decode(_ bytes: [UInt8], _ linkType: LinkType) -> DecodeOutcome {
    PacketDecoder.decode(bytes.span, linkType: linkType)
}

/// A packet that is not TCP-usable, and the outcome it must give.
struct OutcomeSample: Sendable, CustomTestStringConvertible {
    let name: String
    let linkType: LinkType
    let bytes: [UInt8]
    let expected: DecodeOutcome
    var testDescription: String { name }
}

/// IPv4 header for a UDP datagram of 8 + 4 bytes.
let ipv4UDP = hex(
    """
    45 00 00 20     // version 4, IHL 5; total length 32 = 20 + 8 + 4
    00 07 00 00     // identification 7; no flags, offset 0
    40 11 00 00     // TTL 64, protocol UDP (17), checksum
    0a 00 00 01     // source 10.0.0.1
    0a 00 00 02     // destination 10.0.0.2
    """)
let udp12 = hex(
    """
    14 e9 14 e9     // ports 5353 -> 5353
    00 0c 00 00     // length 12, checksum
    de ad be ef     // data
    """)

/// An IPv6 header (payload length 8 + `extra`) whose next header is `next`.
func ipv6Header(next: UInt8, payloadLength: UInt16) -> [UInt8] {
    hex("60 00 00 00  // version 6") + [UInt8(payloadLength >> 8), UInt8(payloadLength & 0xff), next, 0x40]
        + hex(
            """
            20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  // source 2001:db8::1
            20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02  // destination 2001:db8::2
            """)
}

/// An IPv6 fragment header: next header, 13-bit offset in 8-byte units, M flag.
func fragmentHeader(next: UInt8, offset: UInt16, more: Bool) -> [UInt8] {
    let field = offset << 3 | (more ? 1 : 0)
    return [next, 0, UInt8(field >> 8), UInt8(field & 0xff)] + hex("00 00 12 34  // identification")
}

let notTCPSamples: [OutcomeSample] = [
    OutcomeSample(name: "IPv4 UDP", linkType: .ethernet, bytes: ethernetIPv4 + ipv4UDP + udp12, expected: .notTCP),
    OutcomeSample(
        name: "IPv4 UDP fragment is not a TCP fragment", linkType: .ethernet,
        bytes: ethernetIPv4 + patched(ipv4UDP, at: 6, 0x20, 0x00) + udp12, expected: .notTCP),
    OutcomeSample(
        name: "IPv6 ICMPv6", linkType: .ethernet,
        bytes: ethernetIPv6 + ipv6Header(next: 58, payloadLength: 8) + hex("80 00 00 00 00 01 00 01  // echo request"),
        expected: .notTCP),
    OutcomeSample(
        name: "IPv6 ESP", linkType: .raw,
        bytes: ipv6Header(next: 50, payloadLength: 8) + hex("00 00 01 00 00 00 00 01  // SPI, sequence"),
        expected: .notTCP),
    OutcomeSample(
        name: "IPv6 no next header", linkType: .ipv6, bytes: ipv6Header(next: 59, payloadLength: 0), expected: .notTCP),
    OutcomeSample(
        name: "IPv6 UDP fragment", linkType: .raw,
        bytes: ipv6Header(next: 44, payloadLength: 20) + fragmentHeader(next: 17, offset: 0, more: true) + udp12,
        expected: .notTCP),
    OutcomeSample(
        name: "ARP", linkType: .ethernet,
        bytes: patched(ethernetIPv4, at: 12, 0x08, 0x06) + hex("00 01 08 00 06 04 00 01  // ARP request"),
        expected: .notTCP),
    OutcomeSample(
        name: "802.3 length frame", linkType: .ethernet,
        bytes: patched(ethernetIPv4, at: 12, 0x00, 0x26) + hex("42 42 03  // LLC: STP"), expected: .notTCP),
    OutcomeSample(
        name: "VLAN then ARP", linkType: .ethernet,
        bytes: patched(ethernetVLAN100, at: 16, 0x08, 0x06) + hex("00 01"), expected: .notTCP),
    OutcomeSample(
        name: "LINUX_SLL ARP", linkType: .linuxSLL, bytes: patched(sllIPv4, at: 14, 0x08, 0x06), expected: .notTCP),
    OutcomeSample(
        name: "LINUX_SLL2 other protocol", linkType: .linuxSLL2, bytes: patched(sll2IPv4, at: 0, 0x00, 0x03),
        expected: .notTCP),
    OutcomeSample(
        name: "NULL unknown address family", linkType: .null, bytes: hex("07 00 00 00") + ipv4ForSyn + tcpSyn,
        expected: .notTCP),
    OutcomeSample(
        name: "LOOP little-endian family is not LOOP's", linkType: .loop,
        bytes: nullIPv4LittleEndian + ipv4ForSyn + tcpSyn, expected: .notTCP),
]

let fragmentSamples: [OutcomeSample] = [
    OutcomeSample(
        name: "IPv4 first fragment (MF)", linkType: .ethernet,
        bytes: ethernetIPv4 + patched(ipv4ForPush, at: 6, 0x20, 0x00) + tcpPushWithOptions + payload10,
        expected: .fragment),
    OutcomeSample(
        name: "IPv4 last fragment (offset 185)", linkType: .ethernet,
        bytes: ethernetIPv4 + patched(ipv4ForPush, at: 6, 0x00, 0xb9) + tcpPushWithOptions + payload10,
        expected: .fragment),
    OutcomeSample(
        name: "IPv4 middle fragment (MF, offset 1)", linkType: .raw,
        bytes: patched(ipv4ForPush, at: 6, 0x20, 0x01) + tcpPushWithOptions + payload10, expected: .fragment),
    OutcomeSample(
        name: "IPv6 first fragment", linkType: .ethernet,
        bytes: ethernetIPv6 + ipv6Header(next: 44, payloadLength: 50) + fragmentHeader(next: 6, offset: 0, more: true)
            + tcpPushWithOptions + payload10,
        expected: .fragment),
    OutcomeSample(
        name: "IPv6 later fragment", linkType: .ipv6,
        bytes: ipv6Header(next: 44, payloadLength: 18) + fragmentHeader(next: 6, offset: 185, more: false) + payload10,
        expected: .fragment),
    OutcomeSample(
        name: "IPv6 fragment after hop-by-hop", linkType: .raw,
        bytes: ipv6Header(next: 0, payloadLength: 26) + hex("2c 00 01 04 00 00 00 00  // hop-by-hop: next fragment")
            + fragmentHeader(next: 6, offset: 1, more: true) + payload10,
        expected: .fragment),
]

/// Malformed packets and the error each must give (layer and offset of the culprit).
let malformedSamples: [OutcomeSample] = {
    let v4 = ethernetIPv4 + ipv4ForPush + tcpPushWithOptions + payload10
    let v6 = ethernetIPv6 + ipv6ForPush + tcpPushWithOptions + payload10
    func error(_ kind: PacketError.Kind, _ layer: StaticString, _ offset: Int) -> DecodeOutcome {
        .malformed(PacketError(kind: kind, layer: layer, offset: offset))
    }
    var nineHopByHop: [UInt8] = ipv6Header(next: 0, payloadLength: 72 + 20)
    for _ in 0..<9 { nineHopByHop += hex("00 00 01 04 00 00 00 00  // hop-by-hop, next: hop-by-hop") }
    nineHopByHop = patched(nineHopByHop, at: 40 + 8 * 8, 6) + tcpSyn
    return [
        OutcomeSample(
            name: "empty Ethernet frame", linkType: .ethernet, bytes: [], expected: error(.truncated, "ethernet", 0)),
        OutcomeSample(
            name: "Ethernet header cut", linkType: .ethernet, bytes: Array(ethernetIPv4.prefix(13)),
            expected: error(.truncated, "ethernet", 0)),
        OutcomeSample(
            name: "VLAN tag cut", linkType: .ethernet, bytes: Array(ethernetVLAN100.prefix(16)),
            expected: error(.truncated, "vlan", 14)),
        OutcomeSample(
            name: "SLL2 header cut", linkType: .linuxSLL2, bytes: Array(sll2IPv4.prefix(19)),
            expected: error(.truncated, "sll2", 0)),
        OutcomeSample(name: "empty RAW packet", linkType: .raw, bytes: [], expected: error(.truncated, "ip", 0)),
        OutcomeSample(
            name: "RAW version 7", linkType: .raw, bytes: patched(ipv4ForPush, at: 0, 0x75),
            expected: error(.badHeader, "ip", 0)),
        OutcomeSample(
            name: "unknown link type (PPP)", linkType: LinkType(rawValue: 9), bytes: ipv4ForSyn,
            expected: error(.unsupported, "link", 0)),
        OutcomeSample(
            name: "ethertype IPv4, version 6", linkType: .ethernet, bytes: patched(v4, at: 14, 0x65),
            expected: error(.badHeader, "ipv4", 14)),
        OutcomeSample(
            name: "IPV4 link type, version 6", linkType: .ipv4, bytes: ipv6ForPush,
            expected: error(.badHeader, "ipv4", 0)),
        OutcomeSample(
            name: "IPv4 IHL 4", linkType: .ethernet, bytes: patched(v4, at: 14, 0x44),
            expected: error(.badHeader, "ipv4", 14)),
        OutcomeSample(
            name: "IPv4 total length below IHL", linkType: .ethernet, bytes: patched(v4, at: 16, 0x00, 0x13),
            expected: error(.badLength, "ipv4", 16)),
        OutcomeSample(
            name: "IPv4 total length leaves no room for TCP", linkType: .ethernet,
            bytes: patched(v4, at: 16, 0x00, 0x1e), expected: error(.badLength, "tcp", 34)),
        OutcomeSample(
            name: "IPv4 options cut by snap length", linkType: .ethernet,
            bytes: Array((ethernetIPv4 + ipv4WithOptionsForPush).prefix(36)), expected: error(.truncated, "ipv4", 14)),
        OutcomeSample(
            name: "IPv4 header cut", linkType: .ethernet, bytes: Array(v4.prefix(33)),
            expected: error(.truncated, "ipv4", 14)),
        OutcomeSample(
            name: "TCP data offset 4", linkType: .ethernet, bytes: patched(v4, at: 46, 0x40),
            expected: error(.badHeader, "tcp", 46)),
        OutcomeSample(
            name: "TCP data offset 15 past the IP length", linkType: .ethernet, bytes: patched(v4, at: 46, 0xf0),
            expected: error(.badLength, "tcp", 46)),
        OutcomeSample(
            name: "TCP header cut by snap length", linkType: .ethernet, bytes: Array(v4.prefix(53)),
            expected: error(.truncated, "tcp", 34)),
        OutcomeSample(
            name: "TCP options cut by snap length", linkType: .ethernet, bytes: Array(v4.prefix(60)),
            expected: error(.truncated, "tcp", 34)),
        OutcomeSample(
            name: "IPv6 header cut", linkType: .ethernet, bytes: Array(v6.prefix(53)),
            expected: error(.truncated, "ipv6", 14)),
        OutcomeSample(
            name: "ethertype IPv6, version 4", linkType: .ethernet, bytes: patched(v6, at: 14, 0x40),
            expected: error(.badHeader, "ipv6", 14)),
        OutcomeSample(
            name: "IPv6 payload length leaves no room for TCP", linkType: .ethernet,
            bytes: patched(v6, at: 18, 0x00, 0x10), expected: error(.badLength, "tcp", 54)),
        OutcomeSample(
            name: "IPv6 extension header past the payload length", linkType: .raw,
            bytes: patched(ipv6WithExtensionsForPush, at: 4, 0x00, 0x20) + tcpPushWithOptions + payload10,
            expected: error(.badLength, "ipv6.ext", 56)),
        OutcomeSample(
            name: "IPv6 extension header cut by snap length", linkType: .raw,
            bytes: Array(ipv6WithExtensionsForPush.prefix(60)), expected: error(.truncated, "ipv6.ext", 56)),
        OutcomeSample(
            name: "nine IPv6 extension headers", linkType: .raw, bytes: nineHopByHop,
            expected: error(.unsupported, "ipv6.ext", 104)),
    ]
}()

@Suite("PacketDecoder")
struct PacketDecoderTests {
    @Test("decodes TCP", arguments: tcpSamples)
    func decodesTCP(_ sample: TCPSample) throws {
        let outcome = decode(sample.bytes, sample.linkType)
        guard case .tcp(let segment) = outcome else {
            Issue.record("expected TCP, got \(outcome)")
            return
        }
        #expect(segment.source.description == sample.source)
        #expect(segment.destination.description == sample.destination)
        #expect(segment.source.isIPv6 == sample.source.contains(":"))
        #expect(segment.sourcePort == sample.sourcePort)
        #expect(segment.destinationPort == sample.destinationPort)
        #expect(segment.sequence == sample.sequence)
        #expect(segment.acknowledgment == sample.acknowledgment)
        #expect(segment.flags == sample.flags)
        #expect(segment.window == sample.window)
        #expect(segment.ttl == sample.ttl)
        #expect(segment.ipID == sample.ipID)
        #expect(segment.vlan.ids == sample.vlan)
        #expect(segment.payloadOffset == sample.payloadOffset)
        #expect(segment.payloadLength == sample.payloadLength)
        #expect(segment.payloadLengthOnWire == sample.payloadLengthOnWire)
        #expect(segment.isTruncated == (sample.payloadLength < sample.payloadLengthOnWire))
        // The payload is where the segment says.
        let payload = sample.bytes[segment.payloadOffset..<(segment.payloadOffset + segment.payloadLength)]
        if sample.payloadLengthOnWire > 0 {
            #expect(Array(payload) == Array(payload10.prefix(segment.payloadLength)))
        }
    }

    @Test("three VLAN tags are counted, two kept")
    func threeTagsCounted() {
        guard
            case .tcp(let segment) = decode(ethernetThreeTags + ipv4ForPush + tcpPushWithOptions + payload10, .ethernet)
        else {
            Issue.record("expected TCP")
            return
        }
        #expect(segment.vlan.count == 3)
        #expect(segment.vlan.outer == 4095)
        #expect(segment.vlan.inner == 2)
    }

    @Test("not TCP", arguments: notTCPSamples)
    func notTCP(_ sample: OutcomeSample) {
        #expect(decode(sample.bytes, sample.linkType) == sample.expected)
    }

    @Test("fragments of TCP packets", arguments: fragmentSamples)
    func fragments(_ sample: OutcomeSample) {
        #expect(decode(sample.bytes, sample.linkType) == sample.expected)
    }

    @Test("malformed headers", arguments: malformedSamples)
    func malformed(_ sample: OutcomeSample) {
        #expect(decode(sample.bytes, sample.linkType) == sample.expected)
    }

    @Test("IPv4 total length 0 (segmentation offload) uses the captured bytes")
    func ipv4TotalLengthZero() {
        let bytes = ethernetIPv4 + patched(ipv4ForPush, at: 2, 0, 0) + tcpPushWithOptions + payload10
        guard case .tcp(let segment) = decode(bytes, .ethernet) else {
            Issue.record("expected TCP")
            return
        }
        #expect(segment.payloadLength == 10)
        #expect(segment.payloadLengthOnWire == 10)
    }

    @Test("IPv6 payload length 0 (jumbogram, offload) uses the captured bytes")
    func ipv6PayloadLengthZero() {
        let bytes = patched(ipv6ForPush, at: 4, 0, 0) + tcpPushWithOptions + payload10
        guard case .tcp(let segment) = decode(bytes, .raw) else {
            Issue.record("expected TCP")
            return
        }
        #expect(segment.payloadOffset == 72)
        #expect(segment.payloadLength == 10)
        #expect(segment.payloadLengthOnWire == 10)
    }

    @Test("IPv4 total length beyond the capture: snap-length cut, on-wire length from the header")
    func ipv4LongerThanCaptured() {
        // The capture holds 10 payload bytes; the header says 1000 were sent.
        let bytes = ethernetIPv4 + patched(ipv4ForPush, at: 2, 0x04, 0x3c) + tcpPushWithOptions + payload10
        guard case .tcp(let segment) = decode(bytes, .ethernet) else {
            Issue.record("expected TCP")
            return
        }
        #expect(segment.payloadLength == 10)
        #expect(segment.payloadLengthOnWire == 1084 - 20 - 32)
        #expect(segment.isTruncated)
    }

    @Test("decoding reads a span over foreign memory")
    func decodesUnsafeBytes() {
        let bytes = ethernetIPv4 + ipv4ForPush + tcpPushWithOptions + payload10
        let outcome = bytes.withUnsafeBytes { raw in
            PacketDecoder.decode(Span<UInt8>(_unsafeBytes: raw), linkType: .ethernet)
        }
        guard case .tcp(let segment) = outcome else {
            Issue.record("expected TCP")
            return
        }
        #expect(segment.payloadOffset == 66)
    }
}
