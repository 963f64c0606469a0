import AutopsyPackets
import Glibc
import Testing

@testable import AutopsyCapture

@Suite("Link types and activation errors")
struct LinkTypeNamesTests {
    @Test(
        "DLT values map to LINKTYPE values",
        arguments: [
            (0, .null), (1, .ethernet), (12, .raw), (14, .raw), (101, .raw), (108, .loop),
            (113, .linuxSLL), (276, .linuxSLL2), (228, .ipv4), (229, .ipv6), (9, LinkType(rawValue: 9)),
        ] as [(Int32, LinkType)])
    func mapping(_ dataLink: Int32, _ expected: LinkType) {
        #expect(LinkTypeNames.linkType(dataLink: dataLink) == expected)
    }

    @Test("libpcap names link types")
    func names() {
        #expect(LinkTypeNames.name(dataLink: 1) == "EN10MB")
        #expect(LinkTypeNames.name(dataLink: 276) == "LINUX_SLL2")
        #expect(LinkTypeNames.name(dataLink: 9) == "PPP")
        #expect(LinkTypeNames.name(dataLink: 99_999) == "DLT 99999")
    }

    @Test(
        "activation errors map to codes with a remedy",
        arguments: [
            (
                Int32(-8), CaptureError.Code.permissionDenied,
                "eth0: permission denied (socket: Operation not permitted)"
            ),
            (-11, .permissionDenied, "eth0: permission denied (socket: Operation not permitted)"),
            (-9, .interfaceDown, "eth0: interface is down"),
            (
                -6, .captureNotSupported,
                "eth0: capture not supported on this interface (socket: Operation not permitted)"
            ),
            (-1, .openFailed, "eth0: cannot start capture (socket: Operation not permitted)"),
        ])
    func activation(_ status: Int32, _ code: CaptureError.Code, _ description: String) {
        let error = PcapHandle.activationError(status, interface: "eth0", message: "socket: Operation not permitted")
        #expect(error.code == code)
        #expect(error.description == description)
        #expect(!error.remedy.isEmpty)
    }

    @Test("permission denied says how to get capture rights")
    func permissionRemedy() {
        let error = PcapHandle.activationError(-8, interface: "eth0", message: "")
        #expect(error.remedy.contains("cap_net_raw"))
        // With no message from pcap_geterr, libpcap's text for the status code is used.
        #expect(error.description == "eth0: permission denied (\(PcapHandle.statusText(-8)))")
        #expect(PcapHandle.statusText(-8).isEmpty == false)
    }

    @Test("timestamps from microsecond and nanosecond timevals")
    func timestamps() {
        #expect(
            PcapHandle.timestamp(timeval(tv_sec: 10, tv_usec: 123_456), nanoseconds: false)
                == Timestamp(seconds: 10, nanoseconds: 123_456_000))
        #expect(
            PcapHandle.timestamp(timeval(tv_sec: 10, tv_usec: 123_456_789), nanoseconds: true)
                == Timestamp(seconds: 10, nanoseconds: 123_456_789))
        // Out-of-range fractions from a damaged file carry into seconds instead of trapping.
        #expect(
            PcapHandle.timestamp(timeval(tv_sec: 10, tv_usec: 4_000_000_000), nanoseconds: true)
                == Timestamp(seconds: 14, nanoseconds: 0))
        #expect(
            PcapHandle.timestamp(timeval(tv_sec: 10, tv_usec: 4_294_967_295), nanoseconds: false)
                == Timestamp(seconds: 4304, nanoseconds: 967_295_000))
        #expect(
            PcapHandle.timestamp(timeval(tv_sec: Int.max, tv_usec: 999_999), nanoseconds: false).seconds == Int64.max)
    }
}
