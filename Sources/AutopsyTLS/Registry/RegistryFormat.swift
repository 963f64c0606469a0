/// Formatting and GREASE helpers shared by the registry types.
package enum RegistryFormat {
    /// `0x` followed by `digits` lowercase hex digits, zero padded: `hex(0x1a2b, digits: 4)` is `0x1a2b`.
    package static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        let padding = String(repeating: "0", count: max(0, digits - text.count))
        return "0x" + padding + text
    }

    /// Whether a two-byte value is one of the sixteen GREASE values of RFC 8701, section 2
    /// (`0x0a0a`, `0x1a1a`, ... `0xfafa`).
    package static func isGREASE(_ raw: UInt16) -> Bool {
        raw & 0x0F0F == 0x0A0A && raw >> 8 == raw & 0xFF
    }
}
