import CLibpcap
import Glibc

/// A network interface libpcap can capture on (`pcap_findalldevs`).
public struct InterfaceInfo: Sendable, Hashable {
    /// The name to pass to `openLive`, e.g. `eth0`, `lo` or `any`.
    public var name: String
    /// libpcap's description, if any (`Pseudo-device that captures on all interfaces`).
    public var description: String?
    /// Whether the interface is up.
    public var isUp: Bool
    /// Whether the interface is running (up and with a carrier).
    public var isRunning: Bool
    /// Whether it is a loopback interface.
    public var isLoopback: Bool
    /// Its IPv4 and IPv6 addresses as text (`127.0.0.1`, `::1`).
    public var addresses: [String]

    /// Creates an interface description.
    public init(name: String, description: String?, isUp: Bool, isRunning: Bool, isLoopback: Bool, addresses: [String])
    {
        self.name = name
        self.description = description
        self.isUp = isUp
        self.isRunning = isRunning
        self.isLoopback = isLoopback
        self.addresses = addresses
    }
}

extension PcapHandle {
    /// The interfaces libpcap can capture on, in libpcap's order.
    public static func listInterfaces() throws(CaptureError) -> [InterfaceInfo] {
        var errorBuffer = ErrorBuffer()
        var first: UnsafeMutablePointer<pcap_if_t>?
        let status = errorBuffer.withPointer { pcap_findalldevs(&first, $0) }
        guard status == 0 else {
            let message = errorBuffer.text
            throw CaptureError(
                code: .openFailed, subject: "interfaces", message: message,
                remedy: "run as root to see every interface",
                description: "cannot list interfaces (\(message))")
        }
        defer { if let first { pcap_freealldevs(first) } }

        var interfaces: [InterfaceInfo] = []
        var next = first
        while let device = next {
            let entry = device.pointee
            next = entry.next
            guard let name = entry.name else { continue }
            let flags = entry.flags
            interfaces.append(
                InterfaceInfo(
                    name: String(cString: name),
                    description: entry.description.map { String(cString: $0) },
                    isUp: flags & UInt32(PCAP_IF_UP) != 0,
                    isRunning: flags & UInt32(PCAP_IF_RUNNING) != 0,
                    isLoopback: flags & UInt32(PCAP_IF_LOOPBACK) != 0,
                    addresses: addresses(entry.addresses)))
        }
        return interfaces
    }

    /// The IPv4 and IPv6 addresses in a `pcap_addr` list, as text.
    static func addresses(_ list: UnsafeMutablePointer<pcap_addr>?) -> [String] {
        var result: [String] = []
        var next = list
        while let entry = next {
            next = entry.pointee.next
            guard let address = entry.pointee.addr, let text = addressText(address) else { continue }
            result.append(text)
        }
        return result
    }

    /// `inet_ntop` text for an AF_INET or AF_INET6 socket address; nil for others.
    static func addressText(_ address: UnsafeMutablePointer<sockaddr>) -> String? {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = Int32(address.pointee.sa_family)
        let written: UnsafePointer<CChar>?
        switch family {
        case AF_INET:
            written = UnsafeRawPointer(address).withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                withUnsafePointer(to: inet.pointee.sin_addr) { raw in
                    inet_ntop(AF_INET, raw, &text, socklen_t(text.count))
                }
            }
        case AF_INET6:
            written = UnsafeRawPointer(address).withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet6 in
                withUnsafePointer(to: inet6.pointee.sin6_addr) { raw in
                    inet_ntop(AF_INET6, raw, &text, socklen_t(text.count))
                }
            }
        default:
            return nil
        }
        guard written != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
