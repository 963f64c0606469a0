/// A record content type: `enum { ... } ContentType` of RFC 8446, section 5.1 (RFC 5246, section 6.2.1).
///
/// Names come from the IANA "TLS ContentType" registry through `Tests/Tools/gen-registries.py`.
public struct ContentType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    public var rawValue: UInt8

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `change_cipher_spec` (20).
    public static let changeCipherSpec = ContentType(rawValue: 20)
    /// `alert` (21).
    public static let alert = ContentType(rawValue: 21)
    /// `handshake` (22).
    public static let handshake = ContentType(rawValue: 22)
    /// `application_data` (23).
    public static let applicationData = ContentType(rawValue: 23)
    /// `heartbeat` (24, RFC 6520).
    public static let heartbeat = ContentType(rawValue: 24)

    /// The IANA name, or nil when the registry does not name the value.
    public var name: String? { Self.ianaName(rawValue) }

    /// The IANA name, else the value as `0x1a`.
    public var description: String { name ?? RegistryFormat.hex(UInt32(rawValue), digits: 2) }
}
