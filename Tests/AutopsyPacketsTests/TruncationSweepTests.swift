import Testing

@testable import AutopsyPackets

/// Checks what every outcome must satisfy, whatever the input: a segment's payload lies
/// inside the packet and is no longer than what the header declared.
func expectSane(_ outcome: DecodeOutcome, count: Int, _ context: @autoclosure () -> String) {
    guard case .tcp(let segment) = outcome else { return }
    #expect(segment.payloadOffset >= 0, "\(context())")
    #expect(segment.payloadLength >= 0, "\(context())")
    #expect(segment.payloadOffset <= count - segment.payloadLength, "\(context())")
    #expect(segment.payloadLength <= segment.payloadLengthOnWire, "\(context())")
}

/// A length (or chain) field of a sample packet to rewrite.
struct LengthField: Sendable, CustomTestStringConvertible {
    let name: String
    let linkType: LinkType
    let bytes: [UInt8]
    let offset: Int
    let width: Int  // 1 or 2 bytes
    var testDescription: String { name }
}

private let ipv4Packet = ethernetIPv4 + ipv4ForPush + tcpPushWithOptions + payload10
private let ipv4OptionsPacket = ethernetIPv4 + ipv4WithOptionsForPush + tcpPushWithOptions + payload10
private let ipv6Packet = ethernetIPv6 + ipv6ForPush + tcpPushWithOptions + payload10
private let ipv6ExtensionsPacket = ipv6WithExtensionsForPush + tcpPushWithOptions + payload10  // RAW

let lengthFields: [LengthField] = [
    LengthField(name: "IPv4 version and IHL", linkType: .ethernet, bytes: ipv4Packet, offset: 14, width: 1),
    LengthField(name: "IPv4 IHL with options", linkType: .ethernet, bytes: ipv4OptionsPacket, offset: 14, width: 1),
    LengthField(name: "IPv4 total length", linkType: .ethernet, bytes: ipv4Packet, offset: 16, width: 2),
    LengthField(
        name: "IPv4 total length with options", linkType: .ethernet, bytes: ipv4OptionsPacket, offset: 16, width: 2),
    LengthField(name: "IPv4 flags and fragment offset", linkType: .ethernet, bytes: ipv4Packet, offset: 20, width: 2),
    LengthField(name: "IPv4 protocol", linkType: .ethernet, bytes: ipv4Packet, offset: 23, width: 1),
    LengthField(name: "TCP data offset over IPv4", linkType: .ethernet, bytes: ipv4Packet, offset: 46, width: 1),
    LengthField(
        name: "TCP data offset over IPv4 with options", linkType: .ethernet, bytes: ipv4OptionsPacket, offset: 50,
        width: 1),
    LengthField(name: "IPv6 payload length", linkType: .ethernet, bytes: ipv6Packet, offset: 18, width: 2),
    LengthField(name: "IPv6 next header", linkType: .ethernet, bytes: ipv6Packet, offset: 20, width: 1),
    LengthField(name: "TCP data offset over IPv6", linkType: .ethernet, bytes: ipv6Packet, offset: 66, width: 1),
    LengthField(
        name: "IPv6 payload length with extensions", linkType: .raw, bytes: ipv6ExtensionsPacket, offset: 4, width: 2),
    LengthField(
        name: "IPv6 hop-by-hop length", linkType: .raw, bytes: ipv6ExtensionsPacket,
        offset: ipv6ExtensionLengthOffsets[0], width: 1),
    LengthField(
        name: "IPv6 destination options length", linkType: .raw, bytes: ipv6ExtensionsPacket,
        offset: ipv6ExtensionLengthOffsets[1], width: 1),
    LengthField(
        name: "IPv6 routing length", linkType: .raw, bytes: ipv6ExtensionsPacket, offset: ipv6ExtensionLengthOffsets[2],
        width: 1),
    LengthField(
        name: "IPv6 AH length", linkType: .raw, bytes: ipv6ExtensionsPacket, offset: ipv6ExtensionLengthOffsets[3],
        width: 1),
    LengthField(
        name: "IPv6 fragment offset and M", linkType: .raw, bytes: ipv6ExtensionsPacket,
        offset: ipv6FragmentOffsetField, width: 2),
    LengthField(name: "IPv6 first next header", linkType: .raw, bytes: ipv6ExtensionsPacket, offset: 6, width: 1),
    LengthField(name: "IPv6 hop-by-hop next header", linkType: .raw, bytes: ipv6ExtensionsPacket, offset: 40, width: 1),
    LengthField(name: "IPv6 AH next header", linkType: .raw, bytes: ipv6ExtensionsPacket, offset: 88, width: 1),
    LengthField(
        name: "TCP data offset after extensions", linkType: .raw, bytes: ipv6ExtensionsPacket, offset: 124, width: 1),
    LengthField(name: "Ethernet ethertype", linkType: .ethernet, bytes: ipv4Packet, offset: 12, width: 2),
    LengthField(
        name: "VLAN inner ethertype", linkType: .ethernet, bytes: ethernetQinQ + ipv6ForPush + tcpPushWithOptions,
        offset: 20, width: 2),
    LengthField(
        name: "SLL protocol", linkType: .linuxSLL, bytes: sllIPv4 + ipv4ForPush + tcpPushWithOptions, offset: 14,
        width: 2),
    LengthField(
        name: "SLL2 protocol", linkType: .linuxSLL2, bytes: sll2IPv6 + ipv6ForPush + tcpPushWithOptions, offset: 0,
        width: 2),
    LengthField(
        name: "NULL family low bytes", linkType: .null, bytes: nullIPv4LittleEndian + ipv4ForPush + tcpPushWithOptions,
        offset: 0, width: 2),
    LengthField(
        name: "NULL family high bytes", linkType: .null, bytes: nullIPv4BigEndian + ipv4ForPush + tcpPushWithOptions,
        offset: 2, width: 2),
    LengthField(
        name: "RAW version", linkType: .raw, bytes: ipv4ForPush + tcpPushWithOptions + payload10, offset: 0, width: 1),
]

@Suite("Hostile input never traps")
struct TruncationSweepTests {
    @Test("cut every valid packet at every length", arguments: tcpSamples)
    func truncationSweep(_ sample: TCPSample) {
        for length in 0..<sample.bytes.count {
            let outcome = PacketDecoder.decode(sample.bytes.span.extracting(0..<length), linkType: sample.linkType)
            expectSane(outcome, count: length, "\(sample.name) cut at \(length)")
            switch outcome {
            case .tcp(let segment):
                // Only payload (or padding) was cut: the headers all decoded.
                #expect(segment.payloadOffset == sample.payloadOffset, "cut at \(length)")
                #expect(
                    segment.payloadLength == min(length - sample.payloadOffset, sample.payloadLength),
                    "cut at \(length)")
                #expect(segment.payloadLengthOnWire == sample.payloadLengthOnWire, "cut at \(length)")
                #expect(length >= sample.payloadOffset, "cut at \(length)")
            case .malformed(let error):
                #expect(error.kind == .truncated, "\(sample.name) cut at \(length): \(error)")
                #expect(length < sample.payloadOffset, "cut at \(length)")
            case .notTCP, .fragment:
                Issue.record("\(sample.name) cut at \(length): \(outcome)")
            }
        }
    }

    @Test("rewrite each length and chain field to every value", arguments: lengthFields)
    func rewriteLengthField(_ field: LengthField) {
        var bytes = field.bytes
        let values = field.width == 1 ? 0...0xff : 0...0xffff
        var tcpCount = 0
        for value in values {
            if field.width == 1 {
                bytes[field.offset] = UInt8(value)
            } else {
                bytes[field.offset] = UInt8(value >> 8)
                bytes[field.offset + 1] = UInt8(value & 0xff)
            }
            let outcome = PacketDecoder.decode(bytes.span, linkType: field.linkType)
            expectSane(outcome, count: bytes.count, "\(field.name) = \(value)")
            if case .tcp = outcome { tcpCount += 1 }
        }
        // The original value decodes, so at least one rewrite does.
        #expect(tcpCount >= 1)
    }

    @Test("IPv4 IHL below 5 is a bad header, above the packet is cut short")
    func ihlValues() {
        for ihl in 0..<16 {
            let bytes = patched(ipv4Packet, at: 14, 0x40 | UInt8(ihl))
            let outcome = PacketDecoder.decode(bytes.span, linkType: .ethernet)
            if ihl < 5 {
                #expect(outcome == .malformed(PacketError(kind: .badHeader, layer: "ipv4", offset: 14)), "IHL \(ihl)")
            } else if ihl == 5 {
                guard case .tcp = outcome else {
                    Issue.record("IHL 5: \(outcome)")
                    continue
                }
            } else {
                // The TCP header is read as options; whatever follows must not be a clean decode
                // of the original segment.
                if case .tcp(let segment) = outcome { #expect(segment.payloadOffset != 66) }
            }
        }
    }

    @Test("random byte mutations of every valid packet", arguments: tcpSamples)
    func randomMutations(_ sample: TCPSample) {
        var random = SplitMix64(state: UInt64(truncatingIfNeeded: sample.name.utf8.count) &* 7919)
        guard !sample.bytes.isEmpty else { return }
        for round in 0..<2000 {
            var bytes = sample.bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            let length = Int.random(in: 0...bytes.count, using: &random)
            let outcome = PacketDecoder.decode(bytes.span.extracting(0..<length), linkType: sample.linkType)
            expectSane(outcome, count: length, "\(sample.name) round \(round)")
        }
    }

    @Test("every link type over random bytes")
    func randomBytesEveryLinkType() {
        var random = SplitMix64(state: 42)
        for linkType in LinkType.supported + [LinkType(rawValue: 9), LinkType(rawValue: -1)] {
            for _ in 0..<3000 {
                let count = Int.random(in: 0...80, using: &random)
                var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
                // Make the IP version plausible half the time, so deeper layers are reached.
                if count > 20, Bool.random(using: &random) {
                    let ipStart = min(count - 1, [0, 4, 14, 16, 20].randomElement(using: &random) ?? 0)
                    bytes[ipStart] = Bool.random(using: &random) ? 0x45 : 0x60
                }
                let outcome = PacketDecoder.decode(bytes.span, linkType: linkType)
                expectSane(outcome, count: count, "\(linkType) \(bytes)")
            }
        }
    }
}
