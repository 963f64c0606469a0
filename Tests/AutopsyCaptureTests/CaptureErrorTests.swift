import AutopsyCapture
import AutopsyPackets
import Foundation
import Testing

@Suite("Capture errors")
struct CaptureErrorTests {
    /// The error `openOffline` throws for `path`, or nil.
    func openError(_ path: String) -> CaptureError? {
        do {
            _ = try PcapHandle.openOffline(path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test("missing file")
    func missingFile() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("missing.pcap").path
        let error = try #require(openError(path))
        #expect(error.code == .fileNotFound)
        #expect(error.description == "\(path): no such file")
        #expect(!error.remedy.isEmpty)
        // A missing directory on the way is the same thing.
        #expect(openError(directory.appendingPathComponent("no/such/dir.pcap").path)?.code == .fileNotFound)
    }

    @Test("a directory")
    func directory() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(openError(directory.path))
        #expect(error.code == .notAFile)
        #expect(error.description == "\(directory.path): is a directory, not a capture file")
    }

    @Test("an empty file")
    func emptyFile() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("empty.pcap").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let error = try #require(openError(path))
        #expect(error.code == .emptyFile)
        #expect(error.description == "\(path): empty file (0 bytes), not a capture")
    }

    @Test("a text file")
    func textFile() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("capture.pcap").path
        try Data("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(openError(path))
        #expect(error.code == .notACapture)
        #expect(error.description == "\(path): not a pcap or pcapng file (unknown file format)")
        #expect(error.message == "unknown file format")
    }

    @Test("a file too short for a pcap header")
    func shortHeader() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("short.pcap").path
        try Data([0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00]).write(to: URL(fileURLWithPath: path))
        let error = try #require(openError(path))
        #expect(error.code == .notACapture)
        #expect(error.description.hasPrefix("\(path): not a pcap or pcapng file (truncated dump file"))
    }

    @Test("a gzip-compressed capture")
    func compressed() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("capture.pcap.gz").path
        // A gzip header (magic 1f 8b, deflate, no flags) and some deflate bytes.
        try Data([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03, 0x4b, 0x4c, 0x4a, 0x06, 0x00]).write(
            to: URL(fileURLWithPath: path))
        let error = try #require(openError(path))
        #expect(error.code == .notACapture)
        #expect(error.description.hasPrefix("\(path): compressed file, not a pcap or pcapng file"))
        #expect(error.remedy.contains("decompress"))
    }

    @Test("an unreadable file", .enabled(if: getuid() != 0, "root reads every file"))
    func unreadable() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("secret.pcap").path
        #expect(
            FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]), attributes: [.posixPermissions: 0]))
        let error = try #require(openError(path))
        #expect(error.code == .permissionDenied)
        #expect(error.description.hasPrefix("\(path): permission denied"))
    }

    @Test("a classic pcap cut in the middle of a packet ends .truncated after the whole packets")
    func truncatedPcap() throws {
        let source = Paths.linkTypeFixture("ethernet-loopback-tls12-tls13-nanosecond.pcap")
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let offsets = pcapRecordOffsets(data)
        #expect(offsets.count == 36)
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        // Cut inside the 10th packet's bytes, then inside the 10th record header.
        for (name, cut) in [("mid-packet", offsets[9] + 16 + 20), ("mid-record-header", offsets[9] + 7)] {
            let path = directory.appendingPathComponent("\(name).pcap").path
            try data.prefix(cut).write(to: URL(fileURLWithPath: path))
            var handle = try PcapHandle.openOffline(path: path)
            var frames: [UInt64] = []
            let end = try handle.forEachPacket { header, _ in
                frames.append(header.frame)
                return true
            }
            guard case .truncated(let message) = end else {
                Issue.record("\(name): expected .truncated, got \(end)")
                continue
            }
            #expect(message.contains("truncated dump file"), "\(message)")
            #expect(frames == (1...9).map { $0 }, "\(name)")
        }
    }

    @Test("a pcapng cut in the middle of a block ends .truncated after the whole packets")
    func truncatedPcapng() throws {
        let source = Paths.linkTypeFixture("ethernet-loopback-tls12-tls13-nanosecond.pcapng")
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cut.pcapng").path
        try data.prefix(data.count - 50).write(to: URL(fileURLWithPath: path))
        var handle = try PcapHandle.openOffline(path: path)
        let end = try handle.forEachPacket { _, _ in true }
        guard case .truncated(let message) = end else {
            Issue.record("expected .truncated, got \(end)")
            return
        }
        #expect(message.contains("truncated"))
        #expect(handle.framesRead == 35)
    }

    @Test(
        "a damaged record throws readFailed after the frames before it",
        .enabled(if: Paths.hasShared, "shared/ is absent"))
    func damagedRecord() throws {
        // shared/corpus/sv/tls_DER-incomplete-content.pcap: record 7 claims a 4,325,376-byte
        // packet (capinfos: "appears to be damaged or corrupt" after 6 packets).
        let path = Paths.shared("corpus/sv/tls_DER-incomplete-content.pcap")
        var handle = try PcapHandle.openOffline(path: path)
        var frames = 0
        let error = #expect(throws: CaptureError.self) {
            _ = try handle.forEachPacket { _, _ in
                frames += 1
                return true
            }
        }
        #expect(frames == 6)
        #expect(error?.code == .readFailed)
        #expect(
            error?.description
                == "\(path): read failed after frame 6 (invalid packet capture length 4325376, bigger than snaplen of 262144)"
        )
    }

    @Test(
        "an unsupported link type is reported by requireSupportedLinkType",
        .enabled(if: Paths.hasShared, "shared/ is absent"))
    func unsupportedLinkType() throws {
        let path = Paths.shared("corpus/zeek/quic-go-retry.pcap")  // PPP (DLT 9)
        let handle = try PcapHandle.openOffline(path: path)
        #expect(!handle.linkType.isSupported)
        #expect(handle.linkTypeName == "PPP")
        let error = #expect(throws: CaptureError.self) {
            try handle.requireSupportedLinkType(path: "quic-go-retry.pcap")
        }
        #expect(error?.code == .unsupportedLinkType)
        #expect(error?.description == "quic-go-retry.pcap: unsupported link type PPP (9)")
        #expect(error?.remedy.contains("EN10MB") == true)
    }

    @Test("equality compares the code")
    func equality() {
        let a = CaptureError(code: .badFilter, subject: "a", message: "m", remedy: "r", description: "d")
        let b = CaptureError(code: .badFilter, subject: "b", message: "n", remedy: "s", description: "e")
        #expect(a == b)
        #expect(a != CaptureError(code: .readFailed, subject: "a", message: "m", remedy: "r", description: "d"))
    }
}

@Suite("BPF filters")
struct FilterTests {
    @Test(
        "a bad filter names the expression and libpcap's reason",
        arguments: ["tcp prot 443", "port 99999999", "tcp and"])
    func badFilter(_ expression: String) throws {
        var handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture("raw-ip-tls12-tls13.pcap"))
        let error = #expect(throws: CaptureError.self) { try handle.setFilter(expression) }
        #expect(error?.code == .badFilter)
        #expect(error?.subject == expression)
        #expect(error?.description.hasPrefix("'\(expression)': invalid BPF filter: ") == true)
        #expect(error?.remedy.contains("tcpdump -d") == true)
    }

    @Test("the syntax error reads as one line")
    func syntaxError() throws {
        var handle = try PcapHandle.openOffline(path: Paths.linkTypeFixture("raw-ip-tls12-tls13.pcap"))
        let error = #expect(throws: CaptureError.self) { try handle.setFilter("tcp prot 443") }
        #expect(error?.description == "'tcp prot 443': invalid BPF filter: syntax error")
    }

    @Test("a good filter keeps only matching packets (fixture)")
    func goodFilterFixture() throws {
        // tcpdump -r linux-sll2-any-tls12-tls13.pcap 'tcp port 44330' | wc -l: 18 of 36.
        let summary = try readAll(Paths.linkTypeFixture("linux-sll2-any-tls12-tls13.pcap"), filter: "tcp port 44330")
        #expect(summary.frames == 18)
        #expect(summary.tcp == 18)
        // Frame numbers count delivered packets.
        #expect(summary.frameNumbers == (1...18).map { $0 })
    }

    @Test("tcp port 443 reduces a mixed capture", .enabled(if: Paths.hasShared, "shared/ is absent"))
    func goodFilterCorpus() throws {
        // tcpdump -r shared/corpus/ja4/tls3.pcapng 'tcp port 443' | wc -l: 372 of 1,189.
        let summary = try readAll(Paths.shared("corpus/ja4/tls3.pcapng"), filter: "tcp port 443")
        #expect(summary.frames == 372)
        #expect(summary.tcp == 372)
        #expect(summary.end == .endOfFile)
    }
}
