/// Why a capture file or interface could not be opened, filtered, read or written.
///
/// Follows swift-certificates' error style: a `code` to switch on, libpcap's own words
/// in `message`, what the user should do in `remedy`, and a one-line `description`
/// that names the file, interface or filter and the problem. Equality compares the code.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The capture file does not exist.
        case fileNotFound
        /// The path names a directory or another non-regular file.
        case notAFile
        /// The file cannot be read, or the interface cannot be captured on, with the
        /// current privileges.
        case permissionDenied
        /// The file is empty.
        case emptyFile
        /// The file is not a pcap or pcapng capture libpcap can read.
        case notACapture
        /// The capture's link type is not one the packet decoder understands.
        case unsupportedLinkType
        /// The BPF filter expression does not compile or cannot be installed.
        case badFilter
        /// The interface does not exist.
        case noSuchDevice
        /// The interface exists but is not up.
        case interfaceDown
        /// The interface does not support packet capture.
        case captureNotSupported
        /// Reading a packet failed (a damaged file or a failing interface).
        case readFailed
        /// Writing a capture file failed.
        case writeFailed
        /// An argument is out of range (snapshot length, buffer size, timeout).
        case invalidArgument
        /// Opening failed for another reason; `message` has libpcap's words.
        case openFailed

        /// The code's name, e.g. `fileNotFound`.
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The file path, interface name or filter expression the error is about.
    public var subject: String
    /// libpcap's words (or, for checks made before calling libpcap, the system's).
    public var message: String
    /// What the user should do about it.
    public var remedy: String
    /// One line naming the subject and the problem, e.g.
    /// `capture.pcap: not a pcap or pcapng file (unknown file format)`.
    public var description: String

    /// Creates an error; `description` is the one line shown to the user.
    public init(code: Code, subject: String, message: String, remedy: String, description: String) {
        self.code = code
        self.subject = subject
        self.message = message
        self.remedy = remedy
        self.description = description
    }

    /// Equal when the codes are equal.
    public static func == (lhs: CaptureError, rhs: CaptureError) -> Bool {
        lhs.code == rhs.code
    }
}

extension CaptureError {
    /// The file does not exist.
    static func fileNotFound(_ path: String) -> CaptureError {
        CaptureError(
            code: .fileNotFound, subject: path, message: "No such file or directory",
            remedy: "check the path; read a capture written by tcpdump -w, dumpcap or Wireshark",
            description: "\(path): no such file")
    }

    /// The path is a directory or a device, not a file.
    static func notAFile(_ path: String, isDirectory: Bool) -> CaptureError {
        let what = isDirectory ? "is a directory" : "is not a regular file"
        return CaptureError(
            code: .notAFile, subject: path, message: isDirectory ? "Is a directory" : "Not a regular file",
            remedy: "give the path of a .pcap or .pcapng file",
            description: "\(path): \(what), not a capture file")
    }

    /// The file exists but cannot be read.
    static func fileNotReadable(_ path: String, message: String) -> CaptureError {
        CaptureError(
            code: .permissionDenied, subject: path, message: message,
            remedy: "make the file readable (chmod a+r), or run as a user who can read it",
            description: "\(path): permission denied (\(message))")
    }

    /// The file has no bytes.
    static func emptyFile(_ path: String) -> CaptureError {
        CaptureError(
            code: .emptyFile, subject: path, message: "empty file",
            remedy: "the capture holds nothing: was tcpdump stopped before it wrote a packet?",
            description: "\(path): empty file (0 bytes), not a capture")
    }

    /// libpcap could not read the file's header.
    static func notACapture(_ path: String, message: String, compressed: Bool) -> CaptureError {
        if compressed {
            return CaptureError(
                code: .notACapture, subject: path, message: message,
                remedy: "decompress it first (gunzip, xz -d or zstd -d) and read the result",
                description: "\(path): compressed file, not a pcap or pcapng file (\(message))")
        }
        return CaptureError(
            code: .notACapture, subject: path, message: message,
            remedy:
                "give a pcap or pcapng capture (tcpdump -w, dumpcap, Wireshark); convert others with `editcap -F pcapng IN OUT`",
            description: "\(path): not a pcap or pcapng file (\(message))")
    }

    /// The capture's link type is not one the decoder reads.
    static func unsupportedLinkType(_ subject: String, name: String, value: Int32, detail: String) -> CaptureError {
        let supported = LinkTypeNames.supportedList
        let about = detail.isEmpty || detail == name ? "" : ", \(detail)"
        return CaptureError(
            code: .unsupportedLinkType, subject: subject, message: "link type \(name) (\(value)) is not supported",
            remedy:
                "tlsautopsy reads \(supported); capture on an Ethernet interface or `-i any`, or convert with editcap",
            description: "\(subject): unsupported link type \(name) (\(value)\(about))")
    }

    /// The filter expression does not compile, or the kernel refused it.
    static func badFilter(_ expression: String, message: String) -> CaptureError {
        // libpcap 1.10 says "can't parse filter expression: syntax error"; the one-line
        // description already says what failed, so keep the reason.
        var reason = message
        let prefix = "can't parse filter expression: "
        if reason.hasPrefix(prefix) { reason = String(reason.dropFirst(prefix.count)) }
        return CaptureError(
            code: .badFilter, subject: expression, message: message,
            remedy: "check the expression with `tcpdump -d '\(expression)'`; the syntax is in pcap-filter(7)",
            description: "'\(expression)': invalid BPF filter: \(reason)")
    }

    /// Reading a packet failed for a reason other than the file ending mid-packet.
    static func readFailed(_ subject: String, afterFrame frame: UInt64, message: String) -> CaptureError {
        CaptureError(
            code: .readFailed, subject: subject, message: message,
            remedy: frame == 0
                ? "the capture is damaged; check it with `capinfos`"
                : "the capture is damaged after frame \(frame); the frames before it were read; repair it with `pcapfix` or cut it with `editcap -r IN OUT 1-\(frame)`",
            description: "\(subject): read failed after frame \(frame) (\(message))")
    }

    /// A capture file could not be written.
    static func writeFailed(_ path: String, message: String) -> CaptureError {
        CaptureError(
            code: .writeFailed, subject: path, message: message,
            remedy: "check that the directory exists and is writable, and that the disk has room",
            description: "\(path): cannot write capture file (\(message))")
    }

    /// An argument does not fit libpcap's types.
    static func invalidArgument(_ subject: String, _ what: String) -> CaptureError {
        CaptureError(
            code: .invalidArgument, subject: subject, message: what,
            remedy: "pass a value libpcap accepts",
            description: "\(subject): \(what)")
    }
}
