import AutopsyPackets
import CLibpcap
import Glibc

/// The capture record of one packet (libpcap's `pcap_pkthdr`, plus the frame number).
public struct PacketHeader: Sendable, Hashable {
    /// 1-based frame number in the capture, as tshark and Wireshark count.
    public var frame: UInt64
    /// Capture timestamp.
    public var timestamp: Timestamp
    /// Bytes of the packet present in the capture.
    public var capturedLength: Int
    /// Bytes the packet had on the wire; more than `capturedLength` when the snap
    /// length cut it.
    public var originalLength: Int

    /// Creates a packet header.
    public init(frame: UInt64, timestamp: Timestamp, capturedLength: Int, originalLength: Int) {
        self.frame = frame
        self.timestamp = timestamp
        self.capturedLength = capturedLength
        self.originalLength = originalLength
    }
}

/// How `forEachPacket` ended, when it did not throw.
public enum CaptureEnd: Sendable, Hashable {
    /// The file was read to its end.
    case endOfFile
    /// The body or `onTimeout` returned false.
    case stopped
    /// `breakLoop()` was called.
    case interrupted
    /// The file ends in the middle of a packet record (a capture that was still being
    /// written, or copied in part). Every complete packet before it was delivered;
    /// the message is libpcap's, e.g. "truncated dump file; tried to read 1514
    /// captured bytes, only got 600". Warn and keep what was read.
    case truncated(String)
}

extension PcapHandle {
    /// Calls `body` with each packet's header and bytes until the capture ends, `body`
    /// returns false, or `breakLoop()` is called.
    ///
    /// The bytes are lent for the call only (libpcap reuses its buffer): copy what must
    /// outlive it. Frame numbers count from 1 and keep counting across calls.
    ///
    /// - Parameters:
    ///   - onTimeout: Called when a live capture's timeout expires with no packet, so
    ///     capture-clock timers can run; return false to stop. Never called for files.
    ///   - body: Called with each packet; return false to stop. An error it throws
    ///     ends the loop and is rethrown.
    /// - Returns: Why the loop ended; `.truncated` for a file cut mid-packet.
    /// - Throws: `readFailed` when libpcap cannot read on (a damaged record, a failing
    ///   interface), after the frames before it were delivered; or `body`'s error.
    public mutating func forEachPacket(
        onTimeout: () -> Bool = { true },
        _ body: (PacketHeader, Span<UInt8>) throws(CaptureError) -> Bool
    ) throws(CaptureError) -> CaptureEnd {
        var record: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        while true {
            let status = pcap_next_ex(pcap, &record, &data)
            switch status {
            case 1:
                guard let record else { continue }
                framesRead += 1
                // caplen is the size of libpcap's buffer: it must fit, or the record is bad.
                guard let captured = Int(exactly: record.pointee.caplen) else {
                    throw CaptureError.readFailed(
                        source, afterFrame: framesRead - 1, message: "packet length out of range")
                }
                let header = PacketHeader(
                    frame: framesRead,
                    timestamp: Self.timestamp(record.pointee.ts, nanoseconds: nanosecondPrecision),
                    capturedLength: captured,
                    originalLength: Int(clamping: record.pointee.len))
                let keepGoing: Bool
                if let data, captured > 0 {
                    let span = Span<UInt8>(_unsafeBytes: UnsafeRawBufferPointer(start: data, count: captured))
                    keepGoing = try body(header, span)
                } else {
                    let empty: [UInt8] = []
                    keepGoing = try body(header, empty.span)
                }
                if !keepGoing { return .stopped }
            case 0:
                // A live capture has no packet ready (non-blocking) or its timeout expired.
                if interrupter.takeRequest() { return .interrupted }
                if !waitForPackets(), !onTimeout() { return .stopped }
            case PCAP_ERROR_BREAK:
                // End of file, or pcap_breakloop.
                return interrupter.takeRequest() || isLive ? .interrupted : .endOfFile
            default:
                let message = lastError
                if !isLive && message.contains("truncated") { return .truncated(message) }
                throw CaptureError.readFailed(source, afterFrame: framesRead, message: message)
            }
        }
    }

    /// Waits up to `pollTimeout` for the live capture to have packets; false when the
    /// time ran out with none (or libpcap blocks by itself, and its timeout expired).
    func waitForPackets() -> Bool {
        guard pollDescriptor >= 0 else { return false }
        var entry = pollfd(fd: pollDescriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, pollTimeout)
        // A signal (EINTR) counts as activity: the loop checks for an interrupt first.
        return ready != 0
    }

    /// A capture timestamp from libpcap's `timeval`, whose second field holds
    /// nanoseconds or microseconds depending on the precision.
    static func timestamp(_ time: timeval, nanoseconds: Bool) -> Timestamp {
        let fraction = Int64(time.tv_usec)
        let nanos = nanoseconds ? fraction : fraction.multipliedReportingOverflow(by: 1000).partialValue
        return Timestamp(seconds: Int64(time.tv_sec), nanoseconds: 0).adding(nanoseconds: nanos)
    }
}
