import AutopsyPackets
import Testing

@testable import AutopsyTCP

/// The flow key's hash: equal keys hash alike whichever way they were built, and keys that
/// differ in any one field (either address, either port, the VLAN tags, the family) hash
/// apart, for IPv4 pairs (folded into fewer words) as for IPv6 ones.
@Suite struct FlowKeyHashTests {
    static func key(
        _ lower: IPAddress, _ upper: IPAddress, ports: (UInt16, UInt16) = (443, 50_000),
        vlan: VLANTags = VLANTags()
    ) -> FlowKey {
        FlowKey(lowerAddress: lower, upperAddress: upper, lowerPort: ports.0, upperPort: ports.1, vlan: vlan)
    }

    static let v4a = IPAddress(ipv4: 0x0a00_0001)
    static let v4b = IPAddress(ipv4: 0xc612_0002)
    static let v6a = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1)
    static let v6b = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 2)

    @Test func equalKeysHashAlike() {
        #expect(Self.key(Self.v4a, Self.v4b).hashValue == Self.key(IPAddress(ipv4: 0x0a00_0001), Self.v4b).hashValue)
        #expect(Self.key(Self.v6a, Self.v6b).hashValue == Self.key(Self.v6a, Self.v6b).hashValue)
        #expect(Self.key(Self.v4a, Self.v6b).hashValue == Self.key(Self.v4a, Self.v6b).hashValue)
    }

    @Test func keysThatDifferInOneFieldHashApart() {
        var tagged = VLANTags()
        tagged.count = 1
        tagged.outer = 7
        var keys: [FlowKey] = []
        for (lower, upper) in [(Self.v4a, Self.v4b), (Self.v6a, Self.v6b), (Self.v4a, Self.v6b)] {
            keys.append(Self.key(lower, upper))
            keys.append(Self.key(upper, lower))
            keys.append(Self.key(lower, upper, ports: (443, 50_001)))
            keys.append(Self.key(lower, upper, ports: (444, 50_000)))
            keys.append(Self.key(lower, upper, vlan: tagged))
        }
        // The IPv4 pair's halves swapped into one word, and an IPv6 address with an IPv4
        // address's bits: still apart.
        keys.append(Self.key(IPAddress(ipv4: 0xc612_0002), IPAddress(ipv4: 0x0a00_0001), ports: (50_000, 443)))
        keys.append(Self.key(IPAddress(ipv6High: 0, low: 0x0000_ffff_0a00_0001), Self.v4b))
        for index in 1...2_000 {
            keys.append(Self.key(Self.v4a, IPAddress(ipv4: 0xc612_1000 | UInt32(index))))
            keys.append(Self.key(IPAddress(ipv4: 0x0a01_0000 | UInt32(index)), Self.v4b))
            keys.append(Self.key(Self.v4a, Self.v4b, ports: (443, UInt16(index))))
        }
        #expect(Set(keys).count == keys.count)
        #expect(Set(keys.map(\.hashValue)).count == keys.count)
    }
}
