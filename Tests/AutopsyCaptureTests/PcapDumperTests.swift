import AutopsyCapture
import AutopsyPackets
import Foundation
import Testing

@Suite("PcapDumper")
struct PcapDumperTests {
    /// Every packet of `path`: header and bytes.
    func packets(_ path: String) throws -> [(PacketHeader, [UInt8])] {
        var handle = try PcapHandle.openOffline(path: path)
        var result: [(PacketHeader, [UInt8])] = []
        _ = try handle.forEachPacket { header, span in
            result.append((header, bytes(of: span)))
            return true
        }
        return result
    }

    @Test(
        "writes what it reads: bytes, lengths and nanosecond times",
        arguments: [
            "ethernet-loopback-tls12-tls13-nanosecond.pcapng", "linux-sll2-any-tls12-tls13.pcap",
            "null-bsd-loopback-tls12-tls13.pcap",
        ])
    func roundTrip(_ name: String) throws {
        let source = Paths.linkTypeFixture(name)
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("copy.pcap").path

        do {
            var handle = try PcapHandle.openOffline(path: source)
            var dumper = try PcapDumper(path: output, handle: handle)
            _ = try handle.forEachPacket { header, bytes in
                dumper.write(header, bytes)
                return true
            }
            try dumper.flush()
        }  // the dumper closes here

        let original = try packets(source)
        let copy = try packets(output)
        #expect(copy.count == original.count)
        for (a, b) in zip(original, copy) {
            #expect(a.0 == b.0)
            #expect(a.1 == b.1)
        }
        let reopened = try PcapHandle.openOffline(path: output)
        let sourceHandle = try PcapHandle.openOffline(path: source)
        #expect(reopened.linkType == sourceHandle.linkType)
    }

    @Test("a dumper into a missing directory throws writeFailed")
    func unwritable() throws {
        let handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture("raw-ip-tls12-tls13.pcap"))
        let error = #expect(throws: CaptureError.self) {
            _ = try PcapDumper(path: "/nonexistent-dir/out.pcap", handle: handle)
        }
        #expect(error?.code == .writeFailed)
        #expect(error?.description.hasPrefix("/nonexistent-dir/out.pcap: cannot write capture file") == true)
    }
}
