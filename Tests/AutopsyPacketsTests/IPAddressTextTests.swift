import AutopsyPackets
import Glibc
import Testing

/// The text of addresses: dotted quads, and RFC 5952 for IPv6 (lower case, no leading
/// zeros, the longest run of two or more zero groups as `::`, the first on a tie).
@Suite("IP address text")
struct IPAddressTextTests {
    @Test(
        "RFC 5952 examples and edges",
        arguments: [
            (IPAddress(ipv4: 0), "0.0.0.0"),
            (IPAddress(ipv4: 0xC612_9D41), "198.18.157.65"),
            (IPAddress(ipv4: 0xFFFF_FFFF), "255.255.255.255"),
            (IPAddress(ipv4: 0x0A00_6401), "10.0.100.1"),
            (IPAddress(ipv6High: 0, low: 0), "::"),
            (IPAddress(ipv6High: 0, low: 1), "::1"),
            (IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1), "2001:db8::1"),
            // RFC 5952 4.2.2: one zero group is not shortened.
            (IPAddress(ipv6High: 0x2001_0db8_0000_0001, low: 0x0001_0001_0001_0001), "2001:db8:0:1:1:1:1:1"),
            // 4.2.3: the longest run; on a tie, the first.
            (IPAddress(ipv6High: 0x2001_0000_0000_0001, low: 0x0000_0000_0000_0001), "2001:0:0:1::1"),
            (IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 0x0001_0000_0000_0001), "2001:db8::1:0:0:1"),
            (IPAddress(ipv6High: 0xfe80_0000_0000_0000, low: 0), "fe80::"),
            (IPAddress(ipv6High: 0xABCD_EF01_2345_6789, low: 0xFFFF_0000_0000_0000), "abcd:ef01:2345:6789:ffff::"),
            (IPAddress(ipv6High: 0x0001_0020_0300_4000, low: 0x000a_00b0_0c00_d000), "1:20:300:4000:a:b0:c00:d000"),
        ])
    func examples(_ address: IPAddress, _ text: String) {
        #expect(address.description == text)
        #expect(address.withText { Array($0) } == Array(text.utf8))
    }

    @Test("IPv6 text equals glibc's inet_ntop on addresses full of zero runs")
    func matchesInetNtop() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // Each group zero half of the time, so that runs of every length and place occur.
            var halves: (UInt64, UInt64) = (0, 0)
            for index in 0..<8 {
                let value: UInt64 =
                    Bool.random(using: &generator) ? 0 : UInt64.random(in: 1...0xffff, using: &generator)
                if index < 4 {
                    halves.0 |= value << UInt64(48 - 16 * index)
                } else {
                    halves.1 |= value << UInt64(48 - 16 * (index - 4))
                }
            }
            // glibc writes ::a.b.c.d and ::ffff:a.b.c.d for these; RFC 5952 5 allows either.
            if halves.0 == 0 && (halves.1 >> 32 == 0 || halves.1 >> 32 == 0xffff) && halves.1 & 0xffff_ffff > 0xffff {
                continue
            }
            let address = IPAddress(ipv6High: halves.0, low: halves.1)
            #expect(address.description == inetNtop(halves), "\(halves)")
        }
    }

    private func inetNtop(_ halves: (UInt64, UInt64)) -> String {
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { bytes in
            for index in 0..<16 {
                let half = index < 8 ? halves.0 : halves.1
                bytes[index] = UInt8(truncatingIfNeeded: half >> UInt64(56 - 8 * (index & 7)))
            }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return "inet_ntop failed" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
