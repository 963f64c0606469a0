/// A protocol version: `uint16 ProtocolVersion` of RFC 8446, section 4.1.2 (RFC 5246, appendix A.1),
/// as found in record headers, hellos and `supported_versions`.
///
/// Versions are not an IANA registry: names here are the specifications' own ("TLS 1.2").
public struct ProtocolVersion: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    public var rawValue: UInt16

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// SSL 2.0 (0x0002), as written in an SSLv2 CLIENT-HELLO.
    public static let ssl2 = ProtocolVersion(rawValue: 0x0002)
    /// SSL 3.0 (0x0300, RFC 6101).
    public static let ssl3 = ProtocolVersion(rawValue: 0x0300)
    /// TLS 1.0 (0x0301, RFC 2246).
    public static let tls10 = ProtocolVersion(rawValue: 0x0301)
    /// TLS 1.1 (0x0302, RFC 4346).
    public static let tls11 = ProtocolVersion(rawValue: 0x0302)
    /// TLS 1.2 (0x0303, RFC 5246).
    public static let tls12 = ProtocolVersion(rawValue: 0x0303)
    /// TLS 1.3 (0x0304, RFC 8446).
    public static let tls13 = ProtocolVersion(rawValue: 0x0304)
    /// DTLS 1.0 (0xfeff, RFC 4347).
    public static let dtls10 = ProtocolVersion(rawValue: 0xFEFF)
    /// DTLS 1.2 (0xfefd, RFC 6347).
    public static let dtls12 = ProtocolVersion(rawValue: 0xFEFD)
    /// DTLS 1.3 (0xfefc, RFC 9147).
    public static let dtls13 = ProtocolVersion(rawValue: 0xFEFC)

    /// "SSL 3.0", "TLS 1.2", "TLS 1.3 draft 23", "DTLS 1.2"; nil for any other value,
    /// including GREASE and the Facebook (0xfbXX) and Google (0x7eXX) experimental versions.
    public var name: String? {
        switch rawValue {
        case 0x0002: return "SSL 2.0"
        case 0x0300: return "SSL 3.0"
        case 0x0301: return "TLS 1.0"
        case 0x0302: return "TLS 1.1"
        case 0x0303: return "TLS 1.2"
        case 0x0304: return "TLS 1.3"
        case 0x7F00...0x7FFF: return "TLS 1.3 draft \(rawValue & 0xFF)"
        case 0xFEFF: return "DTLS 1.0"
        case 0xFEFD: return "DTLS 1.2"
        case 0xFEFC: return "DTLS 1.3"
        default: return nil
        }
    }

    /// The name, else the value as `0x0305`.
    public var description: String { name ?? RegistryFormat.hex(UInt32(rawValue), digits: 4) }

    /// Whether the value is a GREASE value (RFC 8701).
    public var isGREASE: Bool { RegistryFormat.isGREASE(rawValue) }

    /// Whether this is TLS 1.3 (0x0304) or one of its drafts (0x7f00...0x7fff).
    public var isTLS13OrDraft: Bool { rawValue == 0x0304 || rawValue >> 8 == 0x7F }

    /// A rank that orders real TLS versions: SSL 2.0 is 0, SSL 3.0 1, TLS 1.0 2, TLS 1.1 3,
    /// TLS 1.2 4, TLS 1.3 and its drafts 5. Nil for DTLS, GREASE, experimental and unknown values.
    public var ordinal: Int? {
        switch rawValue {
        case 0x0002: return 0
        case 0x0300: return 1
        case 0x0301: return 2
        case 0x0302: return 3
        case 0x0303: return 4
        case 0x0304, 0x7F00...0x7FFF: return 5
        default: return nil
        }
    }
}
