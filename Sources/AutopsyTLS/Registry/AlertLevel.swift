/// An alert level: `enum { warning(1), fatal(2), (255) } AlertLevel` of RFC 5246, section 7.2
/// (RFC 8446, section 6 keeps the field; TLS 1.3 alerts are all fatal but close_notify and user_canceled).
public struct AlertLevel: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value on the wire.
    public var rawValue: UInt8

    /// Wraps a value from the wire; every value is accepted.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `warning` (1).
    public static let warning = AlertLevel(rawValue: 1)
    /// `fatal` (2).
    public static let fatal = AlertLevel(rawValue: 2)

    /// The RFC's name (`warning`, `fatal`), or nil for any other value.
    public var name: String? {
        switch rawValue {
        case 1: return "warning"
        case 2: return "fatal"
        default: return nil
        }
    }

    /// The name, else the value as `0x1a`.
    public var description: String { name ?? RegistryFormat.hex(UInt32(rawValue), digits: 2) }
}
