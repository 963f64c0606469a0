import AutopsyCapture
import AutopsyPackets
import Foundation
import Testing

/// Where the test captures live.
enum Paths {
    /// The repository root: the nearest directory above this file holding Package.swift.
    static let repositoryRoot: URL? = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    /// `../shared` next to the repository, or `$TLSAUTOPSY_SHARED`; nil when absent.
    static let shared: URL? = {
        let candidate: URL?
        if let override = ProcessInfo.processInfo.environment["TLSAUTOPSY_SHARED"], !override.isEmpty {
            candidate = URL(fileURLWithPath: override)
        } else {
            candidate = repositoryRoot?.deletingLastPathComponent().appendingPathComponent("shared")
        }
        guard let candidate, FileManager.default.fileExists(atPath: candidate.path) else { return nil }
        return candidate
    }()

    /// Whether `../shared` is there; tests over its captures are skipped otherwise.
    static var hasShared: Bool { shared != nil }

    /// A file under `shared/`.
    static func shared(_ relative: String) -> String {
        (shared ?? URL(fileURLWithPath: "/nonexistent")).appendingPathComponent(relative).path
    }

    /// A capture in `Fixtures/captures/linktypes/` (committed with the repository).
    static func linkTypeFixture(_ name: String) -> String {
        (repositoryRoot ?? URL(fileURLWithPath: "/nonexistent"))
            .appendingPathComponent("Fixtures/captures/linktypes").appendingPathComponent(name).path
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("autopsy-capture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// What reading a whole capture and decoding every packet gave.
struct ReadSummary {
    var linkType: LinkType = .ethernet
    var frames = 0
    var tcp = 0
    var notTCP = 0
    var fragments = 0
    var malformed: [String] = []
    var frameNumbers: [UInt64] = []
    var firstTimestamp: Timestamp?
    var lastTimestamp: Timestamp?
    var end: CaptureEnd = .stopped
}

/// Opens `path`, optionally filters, reads every packet and decodes it.
func readAll(_ path: String, filter: String? = nil) throws(CaptureError) -> ReadSummary {
    var handle = try PcapHandle.openOffline(path: path)
    try handle.requireSupportedLinkType()
    if let filter { try handle.setFilter(filter) }
    var summary = ReadSummary()
    summary.linkType = handle.linkType
    let linkType = handle.linkType
    summary.end = try handle.forEachPacket { header, bytes in
        summary.frames += 1
        summary.frameNumbers.append(header.frame)
        if summary.firstTimestamp == nil { summary.firstTimestamp = header.timestamp }
        summary.lastTimestamp = header.timestamp
        #expect(bytes.count == header.capturedLength)
        #expect(header.capturedLength <= header.originalLength)
        switch PacketDecoder.decode(bytes, linkType: linkType) {
        case .tcp: summary.tcp += 1
        case .notTCP: summary.notTCP += 1
        case .fragment: summary.fragments += 1
        case .malformed(let error): summary.malformed.append("frame \(header.frame): \(error)")
        }
        return true
    }
    return summary
}

/// A copy of a span's bytes.
func bytes(of span: Span<UInt8>) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(span.count)
    for index in span.indices { result.append(span[index]) }
    return result
}

/// Byte offsets of each record in a classic pcap file (24-byte file header, 16-byte
/// record headers), and where the records end.
func pcapRecordOffsets(_ data: Data) -> [Int] {
    let bytes = [UInt8](data)
    let littleEndian = bytes.prefix(4) == [0xd4, 0xc3, 0xb2, 0xa1] || bytes.prefix(4) == [0x4d, 0x3c, 0xb2, 0xa1]
    var offsets: [Int] = []
    var offset = 24
    while offset + 16 <= bytes.count {
        offsets.append(offset)
        let field = bytes[(offset + 8)..<(offset + 12)].map(UInt32.init)
        let length =
            littleEndian
            ? field[0] | field[1] << 8 | field[2] << 16 | field[3] << 24
            : field[3] | field[2] << 8 | field[1] << 16 | field[0] << 24
        offset += 16 + Int(length)
    }
    return offsets
}
