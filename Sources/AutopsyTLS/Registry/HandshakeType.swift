/// A handshake message type: `enum { ... } HandshakeType` of RFC 8446, section 4 (RFC 5246, section 7.4).
///
/// Names come from the IANA "TLS HandshakeType" registry through `Tests/Tools/gen-registries.py`.
public struct HandshakeType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    public var rawValue: UInt8

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `hello_request` (0, before TLS 1.3).
    public static let helloRequest = HandshakeType(rawValue: 0)
    /// `client_hello` (1).
    public static let clientHello = HandshakeType(rawValue: 1)
    /// `server_hello` (2).
    public static let serverHello = HandshakeType(rawValue: 2)
    /// `hello_verify_request` (3, DTLS).
    public static let helloVerifyRequest = HandshakeType(rawValue: 3)
    /// `new_session_ticket` (4).
    public static let newSessionTicket = HandshakeType(rawValue: 4)
    /// `end_of_early_data` (5).
    public static let endOfEarlyData = HandshakeType(rawValue: 5)
    /// `hello_retry_request` (6, TLS 1.3 drafts only; final TLS 1.3 sends a ServerHello).
    public static let helloRetryRequest = HandshakeType(rawValue: 6)
    /// `encrypted_extensions` (8).
    public static let encryptedExtensions = HandshakeType(rawValue: 8)
    /// `certificate` (11).
    public static let certificate = HandshakeType(rawValue: 11)
    /// `server_key_exchange` (12, before TLS 1.3).
    public static let serverKeyExchange = HandshakeType(rawValue: 12)
    /// `certificate_request` (13).
    public static let certificateRequest = HandshakeType(rawValue: 13)
    /// `server_hello_done` (14, before TLS 1.3).
    public static let serverHelloDone = HandshakeType(rawValue: 14)
    /// `certificate_verify` (15).
    public static let certificateVerify = HandshakeType(rawValue: 15)
    /// `client_key_exchange` (16, before TLS 1.3).
    public static let clientKeyExchange = HandshakeType(rawValue: 16)
    /// `finished` (20).
    public static let finished = HandshakeType(rawValue: 20)
    /// `certificate_url` (21, RFC 6066).
    public static let certificateURL = HandshakeType(rawValue: 21)
    /// `certificate_status` (22, RFC 6066).
    public static let certificateStatus = HandshakeType(rawValue: 22)
    /// `key_update` (24).
    public static let keyUpdate = HandshakeType(rawValue: 24)
    /// `compressed_certificate` (25, RFC 8879).
    public static let compressedCertificate = HandshakeType(rawValue: 25)
    /// `message_hash` (254).
    public static let messageHash = HandshakeType(rawValue: 254)

    /// The IANA name, or nil when the registry does not name the value.
    public var name: String? { Self.ianaName(rawValue) }

    /// The IANA name, else the value as `0x1a`.
    public var description: String { name ?? RegistryFormat.hex(UInt32(rawValue), digits: 2) }
}
