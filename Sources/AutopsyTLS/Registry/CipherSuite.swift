/// A cipher suite value: `uint8 CipherSuite[2]` of RFC 8446, section 4.1.2 and RFC 5246, section 7.4.1.2.
///
/// Every value read from the wire is kept, named or not; names and the classification come from
/// the IANA "TLS Cipher Suites" registry through `Tests/Tools/gen-registries.py`.
public struct CipherSuite: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    public var rawValue: UInt16

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `TLS_AES_128_GCM_SHA256` (0x1301).
    public static let tlsAES128GCMSHA256 = CipherSuite(rawValue: 0x1301)
    /// `TLS_AES_256_GCM_SHA384` (0x1302).
    public static let tlsAES256GCMSHA384 = CipherSuite(rawValue: 0x1302)
    /// `TLS_CHACHA20_POLY1305_SHA256` (0x1303).
    public static let tlsCHACHA20POLY1305SHA256 = CipherSuite(rawValue: 0x1303)
    /// `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256` (0xc02b).
    public static let ecdheECDSAWithAES128GCMSHA256 = CipherSuite(rawValue: 0xC02B)
    /// `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256` (0xc02f).
    public static let ecdheRSAWithAES128GCMSHA256 = CipherSuite(rawValue: 0xC02F)
    /// `TLS_EMPTY_RENEGOTIATION_INFO_SCSV` (0x00ff, RFC 5746).
    public static let emptyRenegotiationInfoSCSV = CipherSuite(rawValue: 0x00FF)
    /// `TLS_FALLBACK_SCSV` (0x5600, RFC 7507).
    public static let fallbackSCSV = CipherSuite(rawValue: 0x5600)

    /// The IANA name, or nil when the registry does not name the value.
    public var name: String? { Self.ianaName(rawValue) }

    /// The IANA name, else the value as `0x1a2b`.
    public var description: String { name ?? RegistryFormat.hex(UInt32(rawValue), digits: 4) }

    /// Whether the value is a GREASE value (RFC 8701).
    public var isGREASE: Bool { RegistryFormat.isGREASE(rawValue) }

    /// Whether this is a TLS 1.3 suite (`TLS_AES_*`, `TLS_CHACHA20_*` and the other suites that
    /// name only an AEAD and a hash).
    public var isTLS13: Bool { Self.ianaTraits(rawValue).isTLS13 }

    /// The key exchange family; `.other` for values the registry does not name.
    public var keyExchange: KeyExchangeClass { Self.ianaTraits(rawValue).keyExchange }

    /// Whether the suite uses RSA key exchange, CBC mode, 3DES, RC4, NULL or no encryption,
    /// EXPORT, anonymous DH, DES, IDEA, RC2, SEED or an MD5 MAC. False for unnamed values.
    public var isLegacy: Bool { Self.ianaTraits(rawValue).isLegacy }

    /// The weak parts its name shows (CBC, 3DES, RC4, NULL, EXPORT); none for unnamed values.
    public var weaknesses: CipherSuiteWeaknesses { Self.ianaTraits(rawValue).weaknesses }

    /// Whether the value signals rather than offers a suite (`TLS_EMPTY_RENEGOTIATION_INFO_SCSV`,
    /// `TLS_FALLBACK_SCSV`).
    public var isSCSV: Bool { Self.ianaTraits(rawValue).isSCSV }
}
