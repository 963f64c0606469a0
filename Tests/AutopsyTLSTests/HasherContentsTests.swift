import AutopsyTLS
import Testing

/// `Hasher.combine(contentsOf:)`: lists of registry values hashed as memory.
@Suite("Hashing lists of registry values")
struct HasherContentsTests {
    private func hash<Value: RawRepresentable>(_ list: [Value]?) -> Int where Value.RawValue == UInt16 {
        var hasher = Hasher()
        hasher.combine(contentsOf: list)
        return hasher.finalize()
    }

    /// A value with more than its raw value in memory: hashed value by value.
    private struct Wide: RawRepresentable {
        var rawValue: UInt16
        var padding: UInt64 = 0
        init(rawValue: UInt16) { self.rawValue = rawValue }
    }

    @Test("equal lists hash alike, from separate arrays")
    func equalLists() {
        let suites = [0x1301, 0x1302, 0xc02f].map(CipherSuite.init(rawValue:))
        let rebuilt = Array([0xc02f, 0x1302, 0x1301].reversed()).map(CipherSuite.init(rawValue:))
        #expect(hash(suites) == hash(rebuilt))
        #expect(hash([Wide(rawValue: 7), Wide(rawValue: 9)]) == hash([Wide(rawValue: 7), Wide(rawValue: 9)]))
    }

    @Test("order, length, nil and empty all count")
    func differences() {
        let a = [NamedGroup(rawValue: 29), NamedGroup(rawValue: 23)]
        let b = [NamedGroup(rawValue: 23), NamedGroup(rawValue: 29)]
        // Hashes of different lists may collide in principle; these four must not (seeded
        // SipHash over different input), and a failure here means lists are hashed alike.
        let hashes: Set<Int> = [
            hash(a), hash(b), hash(Array(a.prefix(1))), hash([NamedGroup]()), hash([NamedGroup]?.none),
        ]
        #expect(hashes.count == 5)
        #expect(hash([Wide(rawValue: 1), Wide(rawValue: 2)]) != hash([Wide(rawValue: 2), Wide(rawValue: 1)]))
    }
}
