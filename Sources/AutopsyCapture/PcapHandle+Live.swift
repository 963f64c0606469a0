import CLibpcap

extension PcapHandle {
    /// Opens a live capture on `interface` (`any` for all interfaces on Linux).
    ///
    /// Creates, configures and activates the handle (`pcap_create`, `pcap_set_*`,
    /// `pcap_activate`), asking for nanosecond timestamps where the platform has them.
    /// Activation warnings land in `warnings`; errors are mapped to codes with a remedy.
    ///
    /// - Parameters:
    ///   - interface: The interface name, as `listInterfaces()` gives it.
    ///   - snapshotLength: The most bytes kept of each packet.
    ///   - promiscuous: Whether to capture traffic not addressed to this host.
    ///   - bufferSize: The kernel buffer size in bytes; nil keeps libpcap's default.
    ///   - timeoutMilliseconds: How long the kernel may hold packets before delivering
    ///     them, and how long `forEachPacket` waits with no packet before it calls
    ///     `onTimeout` (at least 1).
    ///   - immediate: Deliver each packet as it arrives (no batching).
    public static func openLive(
        interface: String, snapshotLength: Int = 262_144, promiscuous: Bool = false,
        bufferSize: Int? = nil, timeoutMilliseconds: Int = 250, immediate: Bool = false
    ) throws(CaptureError) -> PcapHandle {
        guard let snaplen = Int32(exactly: snapshotLength), snaplen > 0 else {
            throw CaptureError.invalidArgument(interface, "snapshot length \(snapshotLength) out of range")
        }
        guard let timeout = Int32(exactly: timeoutMilliseconds), timeout > 0 else {
            throw CaptureError.invalidArgument(interface, "timeout \(timeoutMilliseconds) ms out of range")
        }
        var buffer: Int32?
        if let bufferSize {
            guard let value = Int32(exactly: bufferSize), value > 0 else {
                throw CaptureError.invalidArgument(interface, "buffer size \(bufferSize) out of range")
            }
            buffer = value
        }

        var errorBuffer = ErrorBuffer()
        let created = errorBuffer.withPointer { pcap_create(interface, $0) }
        guard let pcap = created else {
            let message = errorBuffer.text
            throw CaptureError(
                code: .openFailed, subject: interface, message: message,
                remedy: "check the interface name against `listInterfaces`",
                description: "\(interface): cannot open (\(message))")
        }
        // From here the handle owns `pcap`: a throw closes it.
        var handle = PcapHandle(pcap: pcap, source: interface, isLive: true)
        _ = pcap_set_snaplen(pcap, snaplen)
        _ = pcap_set_promisc(pcap, promiscuous ? 1 : 0)
        _ = pcap_set_timeout(pcap, timeout)
        if let buffer { _ = pcap_set_buffer_size(pcap, buffer) }
        if immediate { _ = pcap_set_immediate_mode(pcap, 1) }
        // Not every platform has nanosecond timestamps: keep microseconds then.
        _ = pcap_set_tstamp_precision(pcap, Int32(PCAP_TSTAMP_PRECISION_NANO))

        let status = pcap_activate(pcap)
        if status < 0 {
            throw activationError(status, interface: interface, message: handle.lastError)
        }
        if status > 0 {
            let detail = handle.lastError
            let summary = statusText(status)
            handle.warnings.append(detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)")
        }
        handle.readPrecision()
        // libpcap's own timeout does not fire while no packet arrives (Linux TPACKET_V3
        // retires only non-empty blocks), so read without blocking and poll with the
        // timeout ourselves: `onTimeout` then runs on an idle interface too.
        let descriptor = pcap_get_selectable_fd(pcap)
        if descriptor >= 0, errorBuffer.withPointer({ pcap_setnonblock(pcap, 1, $0) }) == 0 {
            handle.pollDescriptor = descriptor
            handle.pollTimeout = timeout
        }
        return handle
    }

    /// The error for a negative `pcap_activate` status.
    static func activationError(_ status: Int32, interface: String, message rawMessage: String) -> CaptureError {
        let message = rawMessage.isEmpty ? statusText(status) : rawMessage
        switch status {
        case PCAP_ERROR_NO_SUCH_DEVICE:
            // Name the interfaces that are up (eth0, any, lo), not every pseudo-device
            // libpcap knows (nflog, dbus-system, ...); all of them if none is up.
            let interfaces = (try? listInterfaces()) ?? []
            let up = interfaces.filter(\.isUp)
            let names = (up.isEmpty ? interfaces : up).map(\.name)
            let available = names.isEmpty ? "" : " (available: \(names.joined(separator: ", ")))"
            return CaptureError(
                code: .noSuchDevice, subject: interface, message: message,
                remedy: names.isEmpty
                    ? "check the interface name (`ip link`)" : "capture on one of: \(names.joined(separator: ", "))",
                description: "\(interface): no such interface\(available)")
        case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
            return CaptureError(
                code: .permissionDenied, subject: interface, message: message,
                remedy:
                    "run as root, or grant capture rights: sudo setcap cap_net_raw,cap_net_admin=eip \"$(command -v tlsautopsy)\"",
                description: "\(interface): permission denied (\(message))")
        case PCAP_ERROR_IFACE_NOT_UP:
            return CaptureError(
                code: .interfaceDown, subject: interface, message: message,
                remedy: "bring it up first: ip link set \(interface) up",
                description: "\(interface): interface is down")
        case PCAP_ERROR_RFMON_NOTSUP, -13:  // -13: PCAP_ERROR_CAPTURE_NOTSUP (libpcap 1.10.5+)
            return CaptureError(
                code: .captureNotSupported, subject: interface, message: message,
                remedy: "capture on another interface, or on `any`",
                description: "\(interface): capture not supported on this interface (\(message))")
        default:
            return CaptureError(
                code: .openFailed, subject: interface, message: message,
                remedy: "check the interface and the capture options",
                description: "\(interface): cannot start capture (\(message))")
        }
    }

    /// libpcap's text for a status code.
    static func statusText(_ status: Int32) -> String {
        guard let text = pcap_statustostr(status) else { return "status \(status)" }
        return String(cString: text)
    }
}
