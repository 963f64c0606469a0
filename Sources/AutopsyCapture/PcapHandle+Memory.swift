import CLibpcap
import Glibc

extension PcapHandle {
    /// Opens a pcap or pcapng file held in memory (the fuzzers feed capture bytes this way),
    /// with nanosecond timestamps. `bytes` must stay valid and unchanged until the handle is
    /// gone: call this inside `withUnsafeBytes` and finish with the handle there.
    public static func openInMemory(_ bytes: UnsafeRawBufferPointer, name: String) throws(CaptureError) -> PcapHandle {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw CaptureError.emptyFile(name) }
        guard let file = fmemopen(UnsafeMutableRawPointer(mutating: base), bytes.count, "rb") else {
            let message = String(cString: strerror(errno))
            throw CaptureError(
                code: .openFailed, subject: name, message: message, remedy: "check the memory available",
                description: "\(name): cannot read from memory (\(message))")
        }
        var errorBuffer = ErrorBuffer()
        let opened = errorBuffer.withPointer { buffer in
            pcap_fopen_offline_with_tstamp_precision(file, UInt32(PCAP_TSTAMP_PRECISION_NANO), buffer)
        }
        guard let pcap = opened else {
            // libpcap closes nothing it did not open: the stream is still ours.
            fclose(file)
            let message = errorBuffer.text
            throw CaptureError.notACapture(
                name, message: message.isEmpty ? "libpcap could not read it" : message, compressed: false)
        }
        // From here pcap_close closes the stream.
        return PcapHandle(pcap: pcap, source: name, isLive: false)
    }
}
