/// An SSL 2.0 cipher kind: the three-byte CIPHER-KIND of the SSL 2.0 specification
/// (draft-hickman-netscape-ssl-00, appendix C), as carried in an SSLv2 CLIENT-HELLO.
///
/// A CIPHER-KIND whose first byte is zero is a TLS cipher suite in SSLv2-compatible framing
/// (RFC 5246, appendix E.2); the rest are these. Names come from `Tests/Tools/iana/sslv2-cipher-kinds.csv`.
public struct SSLv2CipherKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The three bytes on the wire, big-endian, in the low 24 bits.
    public var rawValue: UInt32

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `SSL_CK_RC4_128_WITH_MD5` (0x010080).
    public static let rc4128WithMD5 = SSLv2CipherKind(rawValue: 0x01_0080)
    /// `SSL_CK_DES_192_EDE3_CBC_WITH_MD5` (0x0700c0).
    public static let des192EDE3CBCWithMD5 = SSLv2CipherKind(rawValue: 0x07_00C0)

    /// The name from the SSL 2.0 specification, or nil when it does not name the value.
    public var name: String? { Self.specName(rawValue) }

    /// The name, else the value as `0x0a0b0c` (6 hex digits).
    public var description: String { name ?? RegistryFormat.hex(rawValue, digits: 6) }

    /// The TLS cipher suite a CIPHER-KIND with a zero first byte stands for, else nil.
    public var tlsCipherSuite: CipherSuite? {
        rawValue >> 16 == 0 ? CipherSuite(rawValue: UInt16(truncatingIfNeeded: rawValue)) : nil
    }
}
