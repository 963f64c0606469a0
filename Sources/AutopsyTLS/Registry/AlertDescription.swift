/// An alert description: `enum { ... } AlertDescription` of RFC 8446, section 6 (RFC 5246, section 7.2).
///
/// Names come from the IANA "TLS Alerts" registry through `Tests/Tools/gen-registries.py`.
public struct AlertDescription: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    public var rawValue: UInt8

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `close_notify` (0).
    public static let closeNotify = AlertDescription(rawValue: 0)
    /// `unexpected_message` (10).
    public static let unexpectedMessage = AlertDescription(rawValue: 10)
    /// `bad_record_mac` (20).
    public static let badRecordMAC = AlertDescription(rawValue: 20)
    /// `decryption_failed` (21, TLS 1.0 only).
    public static let decryptionFailed = AlertDescription(rawValue: 21)
    /// `record_overflow` (22).
    public static let recordOverflow = AlertDescription(rawValue: 22)
    /// `decompression_failure` (30, before TLS 1.3).
    public static let decompressionFailure = AlertDescription(rawValue: 30)
    /// `handshake_failure` (40).
    public static let handshakeFailure = AlertDescription(rawValue: 40)
    /// `no_certificate` (41, SSL 3.0 only).
    public static let noCertificate = AlertDescription(rawValue: 41)
    /// `bad_certificate` (42).
    public static let badCertificate = AlertDescription(rawValue: 42)
    /// `unsupported_certificate` (43).
    public static let unsupportedCertificate = AlertDescription(rawValue: 43)
    /// `certificate_revoked` (44).
    public static let certificateRevoked = AlertDescription(rawValue: 44)
    /// `certificate_expired` (45).
    public static let certificateExpired = AlertDescription(rawValue: 45)
    /// `certificate_unknown` (46).
    public static let certificateUnknown = AlertDescription(rawValue: 46)
    /// `illegal_parameter` (47).
    public static let illegalParameter = AlertDescription(rawValue: 47)
    /// `unknown_ca` (48).
    public static let unknownCA = AlertDescription(rawValue: 48)
    /// `access_denied` (49).
    public static let accessDenied = AlertDescription(rawValue: 49)
    /// `decode_error` (50).
    public static let decodeError = AlertDescription(rawValue: 50)
    /// `decrypt_error` (51).
    public static let decryptError = AlertDescription(rawValue: 51)
    /// `export_restriction` (60, TLS 1.0 only).
    public static let exportRestriction = AlertDescription(rawValue: 60)
    /// `protocol_version` (70).
    public static let protocolVersion = AlertDescription(rawValue: 70)
    /// `insufficient_security` (71).
    public static let insufficientSecurity = AlertDescription(rawValue: 71)
    /// `internal_error` (80).
    public static let internalError = AlertDescription(rawValue: 80)
    /// `inappropriate_fallback` (86, RFC 7507).
    public static let inappropriateFallback = AlertDescription(rawValue: 86)
    /// `user_canceled` (90).
    public static let userCanceled = AlertDescription(rawValue: 90)
    /// `no_renegotiation` (100, before TLS 1.3).
    public static let noRenegotiation = AlertDescription(rawValue: 100)
    /// `missing_extension` (109).
    public static let missingExtension = AlertDescription(rawValue: 109)
    /// `unsupported_extension` (110).
    public static let unsupportedExtension = AlertDescription(rawValue: 110)
    /// `unrecognized_name` (112, RFC 6066).
    public static let unrecognizedName = AlertDescription(rawValue: 112)
    /// `bad_certificate_status_response` (113, RFC 6066).
    public static let badCertificateStatusResponse = AlertDescription(rawValue: 113)
    /// `unknown_psk_identity` (115, RFC 4279).
    public static let unknownPSKIdentity = AlertDescription(rawValue: 115)
    /// `certificate_required` (116).
    public static let certificateRequired = AlertDescription(rawValue: 116)
    /// `no_application_protocol` (120, RFC 7301).
    public static let noApplicationProtocol = AlertDescription(rawValue: 120)
    /// `ech_required` (121, RFC 9849).
    public static let echRequired = AlertDescription(rawValue: 121)

    /// The IANA name, or nil when the registry does not name the value.
    public var name: String? { Self.ianaName(rawValue) }

    /// The IANA name, else the value as `0x1a`.
    public var description: String { name ?? RegistryFormat.hex(UInt32(rawValue), digits: 2) }
}
