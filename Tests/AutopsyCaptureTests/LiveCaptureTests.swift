import AutopsyCapture
import AutopsyPackets
import Foundation
import Testing

/// Live captures need root (or CAP_NET_RAW) and a loopback interface named `lo`.
let canCaptureLive: Bool = getuid() == 0 && ((try? PcapHandle.listInterfaces())?.contains { $0.name == "lo" } ?? false)

/// Opens a TCP connection to 127.0.0.1:`port` and closes it (a SYN, and a RST back when
/// nothing listens).
func knock(port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    _ = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
}

@Suite("Live capture", .serialized)
struct LiveCaptureTests {
    @Test("lists interfaces with flags and addresses", .enabled(if: canCaptureLive, "needs root and lo"))
    func interfaces() throws {
        let interfaces = try PcapHandle.listInterfaces()
        let loopback = try #require(interfaces.first { $0.name == "lo" })
        #expect(loopback.isLoopback)
        #expect(loopback.isUp)
        #expect(loopback.addresses.contains("127.0.0.1"))
    }

    @Test("an unknown interface lists the available ones", .enabled(if: canCaptureLive, "needs root and lo"))
    func noSuchDevice() throws {
        let error = #expect(throws: CaptureError.self) { _ = try PcapHandle.openLive(interface: "nosuch9") }
        #expect(error?.code == .noSuchDevice)
        #expect(error?.description.hasPrefix("nosuch9: no such interface (available: ") == true)
        #expect(error?.description.contains("lo") == true)
    }

    @Test("arguments out of range are refused before libpcap")
    func invalidArguments() {
        #expect(throws: CaptureError.self) { _ = try PcapHandle.openLive(interface: "lo", snapshotLength: 0) }
        #expect(throws: CaptureError.self) { _ = try PcapHandle.openLive(interface: "lo", snapshotLength: Int.max) }
        #expect(throws: CaptureError.self) { _ = try PcapHandle.openLive(interface: "lo", timeoutMilliseconds: 0) }
        #expect(throws: CaptureError.self) { _ = try PcapHandle.openLive(interface: "lo", bufferSize: 0) }
    }

    @Test(
        "captures TCP on lo, decodes it, and counts it", .enabled(if: canCaptureLive, "needs root and lo"),
        .timeLimit(.minutes(1)))
    func captureLoopback() throws {
        var handle = try PcapHandle.openLive(
            interface: "lo", snapshotLength: 65535, timeoutMilliseconds: 50, immediate: true)
        let isLive = handle.isLive  // #expect cannot capture a non-copyable handle
        #expect(isLive)
        #expect(handle.linkType == .ethernet)
        #expect(handle.snapshotLength == 65535)
        try handle.setFilter("tcp port 9 and host 127.0.0.1")
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.2)
            knock(port: 9)
        }
        var segments: [TCPSegment] = []
        var timeouts = 0
        func tick() -> Bool {
            timeouts += 1
            return timeouts < 100  // 5 s at most
        }
        let end = try handle.forEachPacket(onTimeout: tick) { header, bytes in
            #expect(header.frame == UInt64(segments.count + 1))
            if case .tcp(let segment) = PacketDecoder.decode(bytes, linkType: .ethernet) { segments.append(segment) }
            return segments.count < 2  // the SYN and the RST
        }
        #expect(end == .stopped)
        #expect(segments.count == 2)
        #expect(segments.first?.flags.contains(.syn) == true)
        #expect(segments.first?.destinationPort == 9)
        #expect(segments.last?.flags.contains(.rst) == true)
        let counters = handle.statistics()
        let statistics = try #require(counters)
        #expect(statistics.received >= 2)
    }

    @Test(
        "timeouts call onTimeout, which can stop the loop", .enabled(if: canCaptureLive, "needs root and lo"),
        .timeLimit(.minutes(1)))
    func timeouts() throws {
        var handle = try PcapHandle.openLive(interface: "lo", timeoutMilliseconds: 20)
        try handle.setFilter("udp port 9 and host 203.0.113.9")  // TEST-NET-3: nothing on lo matches
        var timeouts = 0
        func tick() -> Bool {
            timeouts += 1
            return timeouts < 3
        }
        let end = try handle.forEachPacket(onTimeout: tick) { _, _ in true }
        #expect(end == .stopped)
        #expect(timeouts == 3)
    }

    @Test(
        "the interrupter stops a live loop from another thread", .enabled(if: canCaptureLive, "needs root and lo"),
        .timeLimit(.minutes(1)))
    func interruptFromAnotherThread() throws {
        var handle = try PcapHandle.openLive(interface: "lo", timeoutMilliseconds: 50)
        try handle.setFilter("udp port 9 and host 203.0.113.9")
        let interrupter = handle.interrupter
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.2)
            interrupter.breakLoop()
        }
        let end = try handle.forEachPacket { _, _ in true }
        #expect(end == .interrupted)
    }

    @Test("an interrupter outlives its handle harmlessly")
    func interrupterAfterClose() throws {
        let interrupter: CaptureInterrupter
        do {
            let handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture("raw-ip-tls12-tls13.pcap"))
            interrupter = handle.interrupter
        }
        interrupter.breakLoop()
    }
}
