/// A key exchange group: `enum { ... } NamedGroup` of RFC 8446, section 4.2.7 (RFC 8422 and
/// RFC 7919 for TLS 1.2).
///
/// Names come from the IANA "TLS Supported Groups" registry through `Tests/Tools/gen-registries.py`.
public struct NamedGroup: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    public var rawValue: UInt16

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `secp256r1` (23).
    public static let secp256r1 = NamedGroup(rawValue: 23)
    /// `secp384r1` (24).
    public static let secp384r1 = NamedGroup(rawValue: 24)
    /// `secp521r1` (25).
    public static let secp521r1 = NamedGroup(rawValue: 25)
    /// `x25519` (29).
    public static let x25519 = NamedGroup(rawValue: 29)
    /// `x448` (30).
    public static let x448 = NamedGroup(rawValue: 30)
    /// `ffdhe2048` (256).
    public static let ffdhe2048 = NamedGroup(rawValue: 256)
    /// `ffdhe3072` (257).
    public static let ffdhe3072 = NamedGroup(rawValue: 257)
    /// `SecP256r1MLKEM768` (0x11eb).
    public static let secP256r1MLKEM768 = NamedGroup(rawValue: 0x11EB)
    /// `X25519MLKEM768` (0x11ec).
    public static let x25519MLKEM768 = NamedGroup(rawValue: 0x11EC)
    /// `X25519Kyber768Draft00` (0x6399), the pre-standard hybrid.
    public static let x25519Kyber768Draft00 = NamedGroup(rawValue: 0x6399)

    /// The IANA name, or nil when the registry does not name the value.
    public var name: String? { Self.ianaName(rawValue) }

    /// The IANA name, else the value as `0x1a2b`.
    public var description: String { name ?? RegistryFormat.hex(UInt32(rawValue), digits: 4) }

    /// Whether the value is a GREASE value (RFC 8701).
    public var isGREASE: Bool { RegistryFormat.isGREASE(rawValue) }
}
