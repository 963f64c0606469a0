/// An IPv4 or IPv6 address, stored inline in 16 bytes (IPv4 as an IPv4-mapped IPv6
/// address) so that flow keys need no heap allocation.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The high 64 bits of the 128-bit address, network order.
    public var high: UInt64
    /// The low 64 bits of the 128-bit address, network order.
    public var low: UInt64
    /// Whether this is an IPv6 address (false: IPv4, kept as ::ffff:a.b.c.d).
    public var isIPv6: Bool

    /// An IPv4 address from its 32-bit value in network order (`0x0a000001` is 10.0.0.1).
    public init(ipv4: UInt32) {
        high = 0
        low = 0x0000_ffff_0000_0000 | UInt64(ipv4)
        isIPv6 = false
    }

    /// An IPv6 address from its two 64-bit halves in network order.
    public init(ipv6High: UInt64, low: UInt64) {
        high = ipv6High
        self.low = low
        isIPv6 = true
    }

    /// The 32-bit IPv4 value, or nil for an IPv6 address.
    public var ipv4: UInt32? {
        isIPv6 ? nil : UInt32(truncatingIfNeeded: low)
    }

    /// Orders IPv4 before IPv6, then by value.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.isIPv6 ? 1 : 0, lhs.high, lhs.low) < (rhs.isIPv6 ? 1 : 0, rhs.high, rhs.low)
    }

    /// Dotted quad for IPv4; RFC 5952 text (lower case, longest zero run as `::`) for IPv6.
    public var description: String {
        if let v4 = ipv4 {
            return "\(v4 >> 24).\((v4 >> 16) & 0xff).\((v4 >> 8) & 0xff).\(v4 & 0xff)"
        }
        var groups: [UInt16] = []
        for shift in stride(from: 48, through: 0, by: -16) {
            groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift)))
        }
        for shift in stride(from: 48, through: 0, by: -16) {
            groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift)))
        }
        // Longest run of two or more zero groups, first one on a tie (RFC 5952, 4.2.3).
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < groups.count {
            if groups[index] == 0 {
                var end = index
                while end < groups.count && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String {
            slice.map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(groups[...]) }
        return hex(groups[0..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }
}
