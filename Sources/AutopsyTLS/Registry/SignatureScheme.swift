/// A signature algorithm: `enum { ... } SignatureScheme` of RFC 8446, section 4.2.3 (in TLS 1.2
/// the same two bytes are the `SignatureAndHashAlgorithm` of RFC 5246, section 7.4.1.4.1).
///
/// Names come from the IANA "TLS SignatureScheme" registry through `Tests/Tools/gen-registries.py`.
public struct SignatureScheme: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    public var rawValue: UInt16

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `rsa_pkcs1_sha1` (0x0201).
    public static let rsaPKCS1SHA1 = SignatureScheme(rawValue: 0x0201)
    /// `ecdsa_sha1` (0x0203).
    public static let ecdsaSHA1 = SignatureScheme(rawValue: 0x0203)
    /// `rsa_pkcs1_sha256` (0x0401).
    public static let rsaPKCS1SHA256 = SignatureScheme(rawValue: 0x0401)
    /// `ecdsa_secp256r1_sha256` (0x0403).
    public static let ecdsaSecp256r1SHA256 = SignatureScheme(rawValue: 0x0403)
    /// `rsa_pkcs1_sha384` (0x0501).
    public static let rsaPKCS1SHA384 = SignatureScheme(rawValue: 0x0501)
    /// `ecdsa_secp384r1_sha384` (0x0503).
    public static let ecdsaSecp384r1SHA384 = SignatureScheme(rawValue: 0x0503)
    /// `rsa_pkcs1_sha512` (0x0601).
    public static let rsaPKCS1SHA512 = SignatureScheme(rawValue: 0x0601)
    /// `ecdsa_secp521r1_sha512` (0x0603).
    public static let ecdsaSecp521r1SHA512 = SignatureScheme(rawValue: 0x0603)
    /// `rsa_pss_rsae_sha256` (0x0804).
    public static let rsaPSSRSAESHA256 = SignatureScheme(rawValue: 0x0804)
    /// `rsa_pss_rsae_sha384` (0x0805).
    public static let rsaPSSRSAESHA384 = SignatureScheme(rawValue: 0x0805)
    /// `rsa_pss_rsae_sha512` (0x0806).
    public static let rsaPSSRSAESHA512 = SignatureScheme(rawValue: 0x0806)
    /// `ed25519` (0x0807).
    public static let ed25519 = SignatureScheme(rawValue: 0x0807)
    /// `ed448` (0x0808).
    public static let ed448 = SignatureScheme(rawValue: 0x0808)

    /// The IANA name, or nil when the registry does not name the value.
    public var name: String? { Self.ianaName(rawValue) }

    /// The IANA name, else the value as `0x1a2b`.
    public var description: String { name ?? RegistryFormat.hex(UInt32(rawValue), digits: 4) }

    /// Whether the value is a GREASE value (RFC 8701).
    public var isGREASE: Bool { RegistryFormat.isGREASE(rawValue) }
}
