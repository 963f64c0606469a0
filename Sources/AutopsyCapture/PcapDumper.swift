import AutopsyPackets
import CLibpcap

/// A pcap file being written (`pcap_dump_open`), for `-w`: packets as read, with the
/// source handle's link type, snapshot length and timestamp precision.
///
/// Non-copyable: `deinit` flushes and closes the file (`pcap_dump_close`).
public struct PcapDumper: ~Copyable {
    /// libpcap's `pcap_dumper_t`.
    private let dumper: OpaquePointer
    /// Whether the file holds nanosecond timestamps (as the source handle delivers).
    private let nanosecondPrecision: Bool
    /// The path written to (`-` is standard output).
    public let path: String

    /// Creates (or truncates) the capture file at `path` for packets from `handle`.
    public init(path: String, handle: borrowing PcapHandle) throws(CaptureError) {
        guard let dumper = pcap_dump_open(handle.pcap, path) else {
            throw CaptureError.writeFailed(path, message: handle.lastError)
        }
        self.dumper = dumper
        self.path = path
        nanosecondPrecision = handle.nanosecondPrecision
    }

    deinit {
        pcap_dump_close(dumper)
    }

    /// Appends one packet. `bytes` are the captured bytes; `header` gives the time and
    /// the original length (its `capturedLength` is taken from `bytes`).
    public mutating func write(_ header: PacketHeader, _ bytes: Span<UInt8>) {
        var record = pcap_pkthdr()
        record.ts.tv_sec = Int(truncatingIfNeeded: header.timestamp.seconds)
        let fraction = nanosecondPrecision ? header.timestamp.nanoseconds : header.timestamp.nanoseconds / 1000
        record.ts.tv_usec = Int(fraction)
        let captured = UInt32(clamping: bytes.count)
        record.caplen = captured
        record.len = max(UInt32(clamping: header.originalLength), captured)
        let user = UnsafeMutablePointer<UInt8>(dumper)
        bytes.withUnsafeBufferPointer { buffer in
            pcap_dump(user, &record, buffer.baseAddress)
        }
    }

    /// Flushes buffered packets to the file.
    public mutating func flush() throws(CaptureError) {
        guard pcap_dump_flush(dumper) == 0 else {
            throw CaptureError.writeFailed(path, message: "flush failed")
        }
    }
}
