/// An extension type: `enum { ... } ExtensionType` of RFC 8446, section 4.2 (RFC 5246, section 7.4.1.4).
///
/// Names come from the IANA "TLS ExtensionType Values" registry, plus two codepoints IANA never
/// assigned but clients send (ALPS, NPN), through `Tests/Tools/gen-registries.py`.
public struct ExtensionType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    public var rawValue: UInt16

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `server_name` (0, RFC 6066).
    public static let serverName = ExtensionType(rawValue: 0)
    /// `max_fragment_length` (1, RFC 6066).
    public static let maxFragmentLength = ExtensionType(rawValue: 1)
    /// `status_request` (5, RFC 6066).
    public static let statusRequest = ExtensionType(rawValue: 5)
    /// `supported_groups` (10, RFC 8422).
    public static let supportedGroups = ExtensionType(rawValue: 10)
    /// `ec_point_formats` (11, RFC 8422).
    public static let ecPointFormats = ExtensionType(rawValue: 11)
    /// `signature_algorithms` (13, RFC 8446).
    public static let signatureAlgorithms = ExtensionType(rawValue: 13)
    /// `application_layer_protocol_negotiation` (16, RFC 7301).
    public static let alpn = ExtensionType(rawValue: 16)
    /// `signed_certificate_timestamp` (18, RFC 6962).
    public static let signedCertificateTimestamp = ExtensionType(rawValue: 18)
    /// `padding` (21, RFC 7685).
    public static let padding = ExtensionType(rawValue: 21)
    /// `encrypt_then_mac` (22, RFC 7366).
    public static let encryptThenMAC = ExtensionType(rawValue: 22)
    /// `extended_master_secret` (23, RFC 7627; IANA now writes `extended_main_secret`).
    public static let extendedMasterSecret = ExtensionType(rawValue: 23)
    /// `compress_certificate` (27, RFC 8879).
    public static let compressCertificate = ExtensionType(rawValue: 27)
    /// `record_size_limit` (28, RFC 8449).
    public static let recordSizeLimit = ExtensionType(rawValue: 28)
    /// `delegated_credential` (34, RFC 9345).
    public static let delegatedCredentials = ExtensionType(rawValue: 34)
    /// `session_ticket` (35, RFC 5077).
    public static let sessionTicket = ExtensionType(rawValue: 35)
    /// `pre_shared_key` (41, RFC 8446).
    public static let preSharedKey = ExtensionType(rawValue: 41)
    /// `early_data` (42, RFC 8446).
    public static let earlyData = ExtensionType(rawValue: 42)
    /// `supported_versions` (43, RFC 8446).
    public static let supportedVersions = ExtensionType(rawValue: 43)
    /// `cookie` (44, RFC 8446).
    public static let cookie = ExtensionType(rawValue: 44)
    /// `psk_key_exchange_modes` (45, RFC 8446).
    public static let pskKeyExchangeModes = ExtensionType(rawValue: 45)
    /// `certificate_authorities` (47, RFC 8446).
    public static let certificateAuthorities = ExtensionType(rawValue: 47)
    /// `post_handshake_auth` (49, RFC 8446).
    public static let postHandshakeAuth = ExtensionType(rawValue: 49)
    /// `signature_algorithms_cert` (50, RFC 8446).
    public static let signatureAlgorithmsCert = ExtensionType(rawValue: 50)
    /// `key_share` (51, RFC 8446).
    public static let keyShare = ExtensionType(rawValue: 51)
    /// `quic_transport_parameters` (57, RFC 9001).
    public static let quicTransportParameters = ExtensionType(rawValue: 57)
    /// `next_protocol_negotiation` (13172, draft-agl-tls-nextprotoneg; not IANA).
    public static let nextProtocolNegotiation = ExtensionType(rawValue: 13172)
    /// `application_settings` (17513, ALPS, draft-vvv-tls-alps; not IANA).
    public static let applicationSettings = ExtensionType(rawValue: 17513)
    /// `ech_outer_extensions` (0xfd00, RFC 9849).
    public static let echOuterExtensions = ExtensionType(rawValue: 0xFD00)
    /// `encrypted_client_hello` (0xfe0d, RFC 9849).
    public static let encryptedClientHello = ExtensionType(rawValue: 0xFE0D)
    /// `renegotiation_info` (0xff01, RFC 5746).
    public static let renegotiationInfo = ExtensionType(rawValue: 0xFF01)

    /// The IANA name (or the draft's, for ALPS and NPN), or nil when no registry names the value.
    public var name: String? { Self.ianaName(rawValue) }

    /// The name, else the value as `0x1a2b`.
    public var description: String { name ?? RegistryFormat.hex(UInt32(rawValue), digits: 4) }

    /// Whether the value is a GREASE value (RFC 8701).
    public var isGREASE: Bool { RegistryFormat.isGREASE(rawValue) }
}
