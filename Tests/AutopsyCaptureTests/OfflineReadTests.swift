import AutopsyCapture
import AutopsyPackets
import Testing

/// A capture with the counts it must give.
struct CaptureExpectation: Sendable, CustomTestStringConvertible {
    /// Path under `shared/`, or the file name in `Fixtures/captures/linktypes/`.
    let file: String
    let linkType: LinkType
    /// Packets in the file (`capinfos -c`, equal to `tcpdump -r F | wc -l`).
    let frames: Int
    /// TCP packets, not in ICMP errors, not IP fragments: tshark -o ip.defragment:FALSE
    /// -Y 'tcp && !icmp && !icmpv6 && !(ip.flags.mf==1 || ip.frag_offset>0) && !ipv6.fragment'.
    let tcp: Int
    /// First packet's time (`tshark -T fields -e frame.time_epoch -c 1`).
    let firstSeconds: Int64
    let firstNanoseconds: UInt32

    var testDescription: String { file }
}

// The numbers below were measured once (2026-11) with capinfos 4.0.17, tcpdump 4.99.3
// and tshark 4.0.17 on these exact files, and written in by hand. The decoder's TCP
// count matched tshark's on every one of the 134 readable captures in shared/corpus
// and shared/bench/templates; these are a sample of link types and formats.

/// shared/bench/templates: Ethernet, microsecond pcap, loopback TLS connections.
let templateExpectations: [CaptureExpectation] = [
    .init(
        file: "bench/templates/alert_handshake_failure.pcap", linkType: .ethernet, frames: 10, tcp: 10,
        firstSeconds: 1_795_348_591, firstNanoseconds: 923_590_000),
    .init(
        file: "bench/templates/alert_protocol_version.pcap", linkType: .ethernet, frames: 10, tcp: 10,
        firstSeconds: 1_795_348_595, firstNanoseconds: 140_976_000),
    .init(
        file: "bench/templates/alert_unknown_ca.pcap", linkType: .ethernet, frames: 11, tcp: 11,
        firstSeconds: 1_795_348_593, firstNanoseconds: 512_156_000),
    .init(
        file: "bench/templates/ch_no_response.pcap", linkType: .ethernet, frames: 8, tcp: 8,
        firstSeconds: 1_795_348_598, firstNanoseconds: 426_220_000),
    .init(
        file: "bench/templates/rst_after_client_hello.pcap", linkType: .ethernet, frames: 6, tcp: 6,
        firstSeconds: 1_795_348_596, firstNanoseconds: 762_792_000),
    .init(
        file: "bench/templates/tls12_ok_chain3.pcap", linkType: .ethernet, frames: 16, tcp: 16,
        firstSeconds: 1_795_348_583, firstNanoseconds: 680_027_000),
    .init(
        file: "bench/templates/tls12_resumed.pcap", linkType: .ethernet, frames: 17, tcp: 17,
        firstSeconds: 1_795_348_586, firstNanoseconds: 743_674_000),
    .init(
        file: "bench/templates/tls13_hrr.pcap", linkType: .ethernet, frames: 20, tcp: 20, firstSeconds: 1_795_348_589,
        firstNanoseconds: 328_067_000),
    .init(
        file: "bench/templates/tls13_ok.pcap", linkType: .ethernet, frames: 19, tcp: 19, firstSeconds: 1_795_348_579,
        firstNanoseconds: 539_789_000),
    .init(
        file: "bench/templates/tls13_ok_curl.pcap", linkType: .ethernet, frames: 19, tcp: 19,
        firstSeconds: 1_795_348_582, firstNanoseconds: 109_193_000),
]

/// shared/corpus: other link types, pcapng, nanosecond timestamps, mixed traffic.
let corpusExpectations: [CaptureExpectation] = [
    // NULL (BSD loopback), IPv6, from macOS.
    .init(
        file: "corpus/ja4/tls-alpn-h2.pcap", linkType: .null, frames: 9, tcp: 9, firstSeconds: 1_593_980_608,
        firstNanoseconds: 621_087_000),
    // RAW (DLT 12 / LINKTYPE 101).
    .init(
        file: "corpus/sv/tls-alpn-log-detect-02.pcap", linkType: .raw, frames: 28, tcp: 28, firstSeconds: 1_717_221_305,
        firstNanoseconds: 283_580_000),
    // LINUX_SLL2.
    .init(
        file: "corpus/zeek/openjdk-25-zeek.org.pcap", linkType: .linuxSLL2, frames: 6, tcp: 6,
        firstSeconds: 1_776_243_128, firstNanoseconds: 835_142_000),
    // LINUX_SLL in pcapng, nanosecond, QUIC only (no TCP).
    .init(
        file: "corpus/ndpi/quic-v2.pcapng", linkType: .linuxSLL, frames: 19, tcp: 0, firstSeconds: 1_671_528_048,
        firstNanoseconds: 896_780_491),
    // pcapng with nanosecond timestamps (if_tsresol 9).
    .init(
        file: "corpus/ndpi/tls_1.2_unidirectional_client_no_cert.pcapng", linkType: .ethernet, frames: 10, tcp: 10,
        firstSeconds: 1_655_389_592, firstNanoseconds: 153_034_772),
    .init(
        file: "corpus/ndpi/tls_ech.pcapng", linkType: .ethernet, frames: 10, tcp: 10, firstSeconds: 1_688_191_412,
        firstNanoseconds: 679_858_939),
    // pcapng, mixed TCP and UDP, 1,189 packets.
    .init(
        file: "corpus/ja4/tls3.pcapng", linkType: .ethernet, frames: 1189, tcp: 386, firstSeconds: 1_692_898_400,
        firstNanoseconds: 148_036_000),
    .init(
        file: "corpus/ja4/tls-handshake.pcapng", linkType: .ethernet, frames: 193, tcp: 153,
        firstSeconds: 1_675_707_151, firstNanoseconds: 805_776_000),
    // IPv6 and IPv4, Ethernet pcap.
    .init(
        file: "corpus/ndpi/http_ipv6.pcap", linkType: .ethernet, frames: 193, tcp: 128, firstSeconds: 1_448_269_123,
        firstNanoseconds: 954_061_000),
]

/// Fixtures/captures/linktypes: one real loopback capture (TLS 1.3 over IPv4, TLS 1.2
/// over IPv6) in every supported link type; see the README there.
let fixtureExpectations: [CaptureExpectation] = [
    .init(
        file: "ethernet-loopback-tls12-tls13-nanosecond.pcap", linkType: .ethernet, frames: 36, tcp: 36,
        firstSeconds: 1_795_420_591, firstNanoseconds: 992_424_437),
    .init(
        file: "ethernet-loopback-tls12-tls13-nanosecond.pcapng", linkType: .ethernet, frames: 36, tcp: 36,
        firstSeconds: 1_795_420_591, firstNanoseconds: 992_424_437),
    .init(
        file: "ethernet-qinq-200-100-tls12-tls13.pcap", linkType: .ethernet, frames: 36, tcp: 36,
        firstSeconds: 1_795_420_591, firstNanoseconds: 992_424_437),
    .init(
        file: "linux-sll-any-tls12-tls13.pcap", linkType: .linuxSLL, frames: 36, tcp: 36, firstSeconds: 1_795_420_591,
        firstNanoseconds: 992_423_000),
    .init(
        file: "linux-sll2-any-tls12-tls13.pcap", linkType: .linuxSLL2, frames: 36, tcp: 36, firstSeconds: 1_795_420_591,
        firstNanoseconds: 992_423_000),
    .init(
        file: "raw-ip-tls12-tls13.pcap", linkType: .raw, frames: 36, tcp: 36, firstSeconds: 1_795_420_591,
        firstNanoseconds: 992_424_000),
    .init(
        file: "ipv4-linktype-tls13.pcapng", linkType: .ipv4, frames: 18, tcp: 18, firstSeconds: 1_795_420_591,
        firstNanoseconds: 992_424_000),
    .init(
        file: "ipv6-linktype-tls12.pcap", linkType: .ipv6, frames: 18, tcp: 18, firstSeconds: 1_795_420_592,
        firstNanoseconds: 12_751_000),
    .init(
        file: "null-bsd-loopback-tls12-tls13.pcap", linkType: .null, frames: 36, tcp: 36, firstSeconds: 1_795_420_591,
        firstNanoseconds: 992_424_437),
    .init(
        file: "loop-openbsd-tls12-tls13.pcap", linkType: .loop, frames: 36, tcp: 36, firstSeconds: 1_795_420_591,
        firstNanoseconds: 992_424_437),
]

/// Reads `path` and checks it against `expected`.
func check(_ path: String, _ expected: CaptureExpectation) throws {
    let summary = try readAll(path)
    #expect(summary.linkType == expected.linkType)
    #expect(summary.frames == expected.frames)
    #expect(summary.frameNumbers == (1...UInt64(expected.frames)).map { $0 })
    #expect(summary.tcp == expected.tcp)
    #expect(summary.malformed == [])
    #expect(summary.fragments == 0)
    #expect(summary.tcp + summary.notTCP == expected.frames)
    #expect(summary.end == .endOfFile)
    #expect(summary.firstTimestamp == Timestamp(seconds: expected.firstSeconds, nanoseconds: expected.firstNanoseconds))
    if let first = summary.firstTimestamp, let last = summary.lastTimestamp { #expect(first <= last) }
}

@Suite("Reading captures")
struct OfflineReadTests {
    @Test(
        "bench templates (Ethernet pcap)", .enabled(if: Paths.hasShared, "shared/ is absent"),
        arguments: templateExpectations)
    func templates(_ expected: CaptureExpectation) throws {
        try check(Paths.shared(expected.file), expected)
    }

    @Test(
        "corpus captures: link types, pcapng, nanoseconds", .enabled(if: Paths.hasShared, "shared/ is absent"),
        arguments: corpusExpectations)
    func corpus(_ expected: CaptureExpectation) throws {
        try check(Paths.shared(expected.file), expected)
    }

    @Test("link-type fixtures", arguments: fixtureExpectations)
    func fixtures(_ expected: CaptureExpectation) throws {
        try check(Paths.linkTypeFixture(expected.file), expected)
    }

    @Test("every link type carries the same TCP segments")
    func sameSegmentsEveryLinkType() throws {
        // The Ethernet capture and its NULL, LOOP, RAW and QinQ conversions hold the same
        // IP packets: the decoded segments must be equal but for the payload offset and VLANs.
        func segments(_ name: String) throws -> [TCPSegment] {
            var handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture(name))
            let linkType = handle.linkType
            var result: [TCPSegment] = []
            _ = try handle.forEachPacket { _, bytes in
                if case .tcp(var segment) = PacketDecoder.decode(bytes, linkType: linkType) {
                    segment.payloadOffset = 0
                    segment.vlan = VLANTags()
                    result.append(segment)
                }
                return true
            }
            return result
        }
        let ethernet = try segments("ethernet-loopback-tls12-tls13-nanosecond.pcap")
        #expect(ethernet.count == 36)
        for other in [
            "null-bsd-loopback-tls12-tls13.pcap", "loop-openbsd-tls12-tls13.pcap",
            "raw-ip-tls12-tls13.pcap", "ethernet-qinq-200-100-tls12-tls13.pcap",
            "ethernet-loopback-tls12-tls13-nanosecond.pcapng",
        ] {
            #expect(try segments(other) == ethernet, "\(other)")
        }
    }

    @Test(
        "the stream buffer's size changes no packet",
        arguments: ["ethernet-loopback-tls12-tls13-nanosecond.pcap", "ethernet-loopback-tls12-tls13-nanosecond.pcapng"])
    func streamBufferSizes(_ name: String) throws {
        // Records straddle a 100-byte buffer at every packet; 0 keeps stdio's own buffer.
        func packets(_ size: Int) throws -> [[UInt8]] {
            var handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture(name), streamBufferSize: size)
            var result: [[UInt8]] = []
            _ = try handle.forEachPacket { header, span in
                result.append(withUnsafeBytes(of: header.frame) { Array($0) } + bytes(of: span))
                return true
            }
            return result
        }
        let standard = try packets(PcapHandle.defaultStreamBufferSize)
        #expect(standard.count == 36)
        #expect(try packets(100) == standard)
        #expect(try packets(0) == standard)
    }

    @Test("QinQ fixture keeps both VLAN ids")
    func qinqFixture() throws {
        var handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture("ethernet-qinq-200-100-tls12-tls13.pcap"))
        var tags: [[Int]] = []
        _ = try handle.forEachPacket { _, bytes in
            if case .tcp(let segment) = PacketDecoder.decode(bytes, linkType: .ethernet) {
                tags.append(segment.vlan.ids)
            }
            return true
        }
        #expect(tags.count == 36)
        #expect(tags.allSatisfy { $0 == [200, 100] })
    }

    @Test("nanosecond timestamps survive from pcap and pcapng")
    func nanosecondTimestamps() throws {
        for name in [
            "ethernet-loopback-tls12-tls13-nanosecond.pcap", "ethernet-loopback-tls12-tls13-nanosecond.pcapng",
        ] {
            let summary = try readAll(Paths.linkTypeFixture(name))
            // tshark: frame.time_epoch of frame 36 is 1795420592.020909065.
            #expect(summary.lastTimestamp == Timestamp(seconds: 1_795_420_592, nanoseconds: 20_909_065), "\(name)")
        }
    }

    @Test("body returning false stops; the next call resumes at the next frame")
    func stopAndResume() throws {
        var handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture("raw-ip-tls12-tls13.pcap"))
        var frames: [UInt64] = []
        let first = try handle.forEachPacket { header, _ in
            frames.append(header.frame)
            return header.frame < 3
        }
        #expect(first == .stopped)
        #expect(frames == [1, 2, 3])
        #expect(handle.framesRead == 3)
        let second = try handle.forEachPacket { header, _ in
            frames.append(header.frame)
            return true
        }
        #expect(second == .endOfFile)
        #expect(frames == (1...36).map { $0 })
    }

    @Test("breakLoop from the body's side ends with .interrupted")
    func interrupt() throws {
        var handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture("raw-ip-tls12-tls13.pcap"))
        let interrupter = handle.interrupter
        var count = 0
        let end = try handle.forEachPacket { header, _ in
            count += 1
            if header.frame == 2 { interrupter.breakLoop() }
            return true
        }
        #expect(end == .interrupted)
        #expect(count == 2)
        // The request is consumed: reading on reaches the end of the file.
        #expect(try handle.forEachPacket { _, _ in true } == .endOfFile)
        #expect(handle.framesRead == 36)
    }

    @Test("an error thrown by the body ends the loop and is rethrown")
    func bodyError() throws {
        var handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture("raw-ip-tls12-tls13.pcap"))
        let thrown = #expect(throws: CaptureError.self) {
            _ = try handle.forEachPacket { header, _ throws(CaptureError) in
                if header.frame == 5 {
                    throw CaptureError(code: .writeFailed, subject: "x", message: "m", remedy: "r", description: "x: m")
                }
                return true
            }
        }
        #expect(thrown?.code == .writeFailed)
        #expect(handle.framesRead == 5)
    }

    @Test("file properties: snapshot length, link type name, no statistics")
    func properties() throws {
        let handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture("linux-sll2-any-tls12-tls13.pcap"))
        #expect(handle.snapshotLength == 262_144)
        #expect(handle.linkType == .linuxSLL2)
        #expect(handle.linkTypeName == "LINUX_SLL2")
        #expect(handle.statistics() == nil)
        #expect(handle.isLive == false)
        #expect(handle.warnings.isEmpty)
        #expect(throws: Never.self) { try handle.requireSupportedLinkType(path: "x") }
    }
}
