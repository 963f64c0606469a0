import AutopsyPackets
import CLibpcap
import Glibc

/// An open libpcap capture: a file (pcap or pcapng) or a live interface.
///
/// Non-copyable, so exactly one value owns the libpcap handle: `deinit` calls
/// `pcap_close`, and it can be neither leaked nor closed twice. Packet bytes are lent
/// to a closure in `forEachPacket` and are valid only during the call (gopacket's
/// zero-copy read, as a scope).
public struct PcapHandle: ~Copyable {
    /// libpcap's `pcap_t`.
    let pcap: OpaquePointer
    /// The file path or interface name, for messages.
    public let source: String
    /// Whether this reads a live interface (false: a file).
    public let isLive: Bool
    /// Whether libpcap delivers nanosecond (true) or microsecond timestamps.
    var nanosecondPrecision: Bool
    /// Stops `forEachPacket` from another thread.
    public let interrupter: CaptureInterrupter
    /// Warnings libpcap gave when activating a live capture (promiscuous mode not
    /// supported, ...). Empty for files.
    public internal(set) var warnings: [String] = []
    /// How many packets `forEachPacket` has delivered so far (the last frame number).
    public internal(set) var framesRead: UInt64 = 0
    /// For a live capture in non-blocking mode, the descriptor `forEachPacket` polls
    /// between reads; -1 to let libpcap block (files, and devices without one).
    var pollDescriptor: Int32 = -1
    /// How long one poll waits before `onTimeout` is called, in milliseconds.
    var pollTimeout: Int32 = 250
    /// The stdio buffer of a file's stream (`openOffline`), freed after `pcap_close`.
    var streamBuffer: UnsafeMutableRawPointer?

    /// Takes ownership of an open (offline) or activated (live) libpcap handle.
    init(pcap: OpaquePointer, source: String, isLive: Bool) {
        self.pcap = pcap
        self.source = source
        self.isLive = isLive
        nanosecondPrecision = pcap_get_tstamp_precision(pcap) == Int32(PCAP_TSTAMP_PRECISION_NANO)
        interrupter = CaptureInterrupter(pcap: pcap)
    }

    /// Reads the timestamp precision libpcap settled on (after `pcap_activate`).
    mutating func readPrecision() {
        nanosecondPrecision = pcap_get_tstamp_precision(pcap) == Int32(PCAP_TSTAMP_PRECISION_NANO)
    }

    deinit {
        interrupter.detach()
        pcap_close(pcap)
        free(streamBuffer)
    }

    /// The stdio buffer a file is read through. libpcap reads a file with two `fread`s a
    /// packet; with stdio's default 4 KiB buffer a 1 GB capture costs 250,000 `read`
    /// calls, with 1 MiB 1,000.
    public static let defaultStreamBufferSize = 1 << 20

    /// Opens a pcap or pcapng file, with nanosecond timestamps (microsecond files are
    /// scaled by libpcap). `-` reads standard input.
    ///
    /// Missing, unreadable, empty, directory and compressed files are detected before
    /// libpcap is called, so each gets its own message.
    public static func openOffline(
        path: String, streamBufferSize: Int = defaultStreamBufferSize
    ) throws(CaptureError) -> PcapHandle {
        try FileChecks.checkReadable(path)
        var errorBuffer = ErrorBuffer()
        if path == "-" {
            // Standard input keeps stdio's buffer: a pipe gives at most 64 KiB a read anyway.
            let opened = errorBuffer.withPointer { errors in
                pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), errors)
            }
            guard let pcap = opened else { throw notACapture(path, errorBuffer.text, compressed: false) }
            return PcapHandle(pcap: pcap, source: path, isLive: false)
        }
        guard let file = fopen(path, "rb") else {
            let message = FileChecks.systemMessage(errno)
            throw CaptureError(
                code: .openFailed, subject: path, message: message, remedy: "check the path and its permissions",
                description: "\(path): cannot open (\(message))")
        }
        // Before the first read, as setvbuf requires; without memory, stdio's own buffer.
        let buffer = streamBufferSize > 0 ? malloc(streamBufferSize) : nil
        if let buffer { setvbuf(file, buffer.assumingMemoryBound(to: CChar.self), _IOFBF, streamBufferSize) }
        // Only libpcap reads the stream, on the thread that reads packets: stdio's lock per
        // call (two freads a packet, header and data) guards against nothing here.
        _ = __fsetlocking(file, Int32(FSETLOCKING_BYCALLER))
        let opened = errorBuffer.withPointer { errors in
            pcap_fopen_offline_with_tstamp_precision(file, UInt32(PCAP_TSTAMP_PRECISION_NANO), errors)
        }
        guard let pcap = opened else {
            // libpcap closes nothing it did not open: the stream is still ours.
            fclose(file)
            free(buffer)
            throw notACapture(path, errorBuffer.text, compressed: FileChecks.looksCompressed(path))
        }
        // From here pcap_close closes the stream, then deinit frees the buffer.
        var handle = PcapHandle(pcap: pcap, source: path, isLive: false)
        handle.streamBuffer = buffer
        return handle
    }

    private static func notACapture(_ path: String, _ message: String, compressed: Bool) -> CaptureError {
        CaptureError.notACapture(
            path, message: message.isEmpty ? "libpcap could not read it" : message, compressed: compressed)
    }

    /// The capture's link-layer header type, as a LINKTYPE_ value.
    public var linkType: LinkType {
        LinkTypeNames.linkType(dataLink: pcap_datalink(pcap))
    }

    /// libpcap's name for the link type, e.g. `EN10MB`, `LINUX_SLL2` or `PPP`.
    public var linkTypeName: String {
        LinkTypeNames.name(dataLink: pcap_datalink(pcap))
    }

    /// The snapshot length: the most bytes of each packet the capture keeps.
    public var snapshotLength: Int {
        Int(pcap_snapshot(pcap))
    }

    /// Throws `unsupportedLinkType` unless the packet decoder reads this capture's link
    /// type. `path` names the capture in the message (default: `source`).
    public func requireSupportedLinkType(path: String? = nil) throws(CaptureError) {
        guard !linkType.isSupported else { return }
        let value = pcap_datalink(pcap)
        throw CaptureError.unsupportedLinkType(
            path ?? source, name: LinkTypeNames.name(dataLink: value), value: value,
            detail: LinkTypeNames.detail(dataLink: value))
    }

    /// Compiles `expression` as a BPF filter (pcap-filter(7)) and installs it; only
    /// matching packets are delivered afterwards.
    public mutating func setFilter(_ expression: String) throws(CaptureError) {
        var program = bpf_program()
        guard pcap_compile(pcap, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError.badFilter(expression, message: lastError)
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(pcap, &program) == 0 else {
            throw CaptureError.badFilter(expression, message: lastError)
        }
    }

    /// Kernel counters for a live capture; nil for a file (libpcap keeps none).
    public func statistics() -> CaptureStatistics? {
        guard isLive else { return nil }
        var stats = pcap_stat()
        guard pcap_stats(pcap, &stats) == 0 else { return nil }
        return CaptureStatistics(
            received: UInt64(stats.ps_recv),
            droppedByKernel: UInt64(stats.ps_drop),
            droppedByInterface: UInt64(stats.ps_ifdrop))
    }

    /// Makes a running `forEachPacket` return `.interrupted`. While `forEachPacket`
    /// runs, the handle is borrowed; other threads use `interrupter.breakLoop()`.
    public func breakLoop() {
        interrupter.breakLoop()
    }

    /// libpcap's message for the last error on this handle.
    var lastError: String {
        guard let text = pcap_geterr(pcap) else { return "" }
        return String(cString: text)
    }
}

/// Packet counters of a live capture (`pcap_stats`).
public struct CaptureStatistics: Sendable, Hashable {
    /// Packets the capture received (before the filter on some platforms).
    public var received: UInt64
    /// Packets dropped because the buffer was full: the analyzer did not keep up.
    public var droppedByKernel: UInt64
    /// Packets the interface or its driver dropped.
    public var droppedByInterface: UInt64

    /// Creates counters.
    public init(received: UInt64, droppedByKernel: UInt64, droppedByInterface: UInt64) {
        self.received = received
        self.droppedByKernel = droppedByKernel
        self.droppedByInterface = droppedByInterface
    }
}

/// libpcap's error buffer (PCAP_ERRBUF_SIZE bytes), for open and list calls (not the
/// packet path).
struct ErrorBuffer {
    /// The buffer, zeroed, one byte longer than libpcap writes so it always ends in NUL.
    private var chars = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)

    /// Calls `body` with a pointer to the buffer, as libpcap functions take it.
    mutating func withPointer<R>(_ body: (UnsafeMutablePointer<CChar>?) -> R) -> R {
        chars.withUnsafeMutableBufferPointer { buffer in body(buffer.baseAddress) }
    }

    /// The NUL-terminated text in the buffer.
    var text: String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
