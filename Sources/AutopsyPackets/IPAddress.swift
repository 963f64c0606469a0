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
        withText { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the address's text (`description`) in a buffer on the stack:
    /// JSON and text output write it without a String.
    public func withText<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        // At most 39 bytes: eight groups of four hex digits and seven colons.
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var count = 0
            func put(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            if let v4 = ipv4 {
                for shift in [24, 16, 8, 0] {
                    if shift != 24 { put(UInt8(ascii: ".")) }
                    let octet = UInt8(truncatingIfNeeded: v4 >> UInt32(shift))
                    if octet >= 100 { put(UInt8(ascii: "0") + octet / 100) }
                    if octet >= 10 { put(UInt8(ascii: "0") + octet / 10 % 10) }
                    put(UInt8(ascii: "0") + octet % 10)
                }
            } else {
                let halves = (high, low)
                func group(_ index: Int) -> UInt16 {
                    let half = index < 4 ? halves.0 : halves.1
                    return UInt16(truncatingIfNeeded: half >> UInt64(48 - 16 * (index & 3)))
                }
                // Longest run of two or more zero groups, first one on a tie (RFC 5952, 4.2.3).
                var bestStart = -1
                var bestLength = 1
                var index = 0
                while index < 8 {
                    guard group(index) == 0 else {
                        index += 1
                        continue
                    }
                    var end = index
                    while end < 8 && group(end) == 0 { end += 1 }
                    if end - index > bestLength {
                        bestStart = index
                        bestLength = end - index
                    }
                    index = end
                }
                let digits: StaticString = "0123456789abcdef"
                index = 0
                while index < 8 {
                    if index == bestStart {
                        put(UInt8(ascii: ":"))
                        put(UInt8(ascii: ":"))
                        index += bestLength
                        continue
                    }
                    if index > 0 && index != bestStart + bestLength { put(UInt8(ascii: ":")) }
                    let value = group(index)
                    var shift = 12
                    while shift > 0 && value >> UInt16(shift) == 0 { shift -= 4 }
                    while shift >= 0 {
                        put(digits.utf8Start[Int(value >> UInt16(shift) & 0xf)])
                        shift -= 4
                    }
                    index += 1
                }
            }
            return try body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}
