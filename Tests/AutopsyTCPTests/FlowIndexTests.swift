import AutopsyPackets
import Testing

@testable import AutopsyTCP

/// The flow table's index on its own: the hash is the documented formula, and the table
/// agrees with a dictionary through inserts and removals, even when every key collides.
@Suite struct FlowIndexTests {
    static func key(_ number: Int, v6: Bool = false, vlan: UInt16 = 0) -> FlowKey {
        var connection = Connection()
        connection.clientPort = UInt16(truncatingIfNeeded: 1_024 + number % 60_000)
        if number >= 60_000 { connection.client = IPAddress(ipv4: 0x0a00_0000 | UInt32(number / 60_000)) }
        if v6 {
            connection.client = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: UInt64(number))
            connection.server = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 0xffff_0000)
        }
        if vlan != 0 {
            connection.vlan.count = 1
            connection.vlan.outer = vlan
        }
        return FlowKey(TombstoneTableTests.segment(connection.syn()))
    }

    /// A key no test indexes (what a slot without a key answers).
    static let absent = key(7, v6: true, vlan: 7)

    /// The twelve 32-bit parts and the sum written out plainly, as the doc comment states it.
    static func reference(_ key: FlowKey, _ numbers: [UInt64]) -> UInt64 {
        func halves(_ word: UInt64) -> [UInt64] { [word >> 32, word & 0xffff_ffff] }
        let flags =
            UInt64(key.lowerAddress.isIPv6 ? 1 : 0) + UInt64(key.upperAddress.isIPv6 ? 2 : 0)
            + UInt64(key.vlan.count) * 4
        let parts: [UInt64] =
            halves(key.lowerAddress.high) + halves(key.lowerAddress.low) + halves(key.upperAddress.high)
            + halves(key.upperAddress.low) + [
                UInt64(key.lowerPort) * 65_536 + UInt64(key.upperPort),
                UInt64(key.vlan.outer) * 65_536 + UInt64(key.vlan.inner), flags, 0,
            ]
        var sum = numbers[12]
        for pair in 0..<6 {
            sum = sum &+ (parts[2 * pair] &+ numbers[2 * pair + 1]) &* (parts[2 * pair + 1] &+ numbers[2 * pair])
        }
        return sum
    }

    @Test func hashIsPairMultiplyShiftOverTheKeysParts() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<50 {
            let numbers = (0..<13).map { _ in generator.next() as UInt64 }
            let hash = FlowHash(numbers: InlineArray<13, UInt64> { numbers[$0] })
            for key in [Self.key(round), Self.key(round, v6: true), Self.key(round, vlan: 42)] {
                #expect(hash.hash(key) == Self.reference(key, numbers))
            }
        }
    }

    @Test func bothDirectionsHashAlikeAndFunctionsAreDrawnAtRandom() {
        var connection = Connection()
        connection.clientPort = 40_000
        let forward = FlowKey(TombstoneTableTests.segment(connection.syn()))
        let backward = FlowKey(TombstoneTableTests.segment(connection.synAck()))
        let index = FlowIndex()
        #expect(index.hash(forward) == index.hash(backward))
        // Two tables draw different functions (equal for all of 100 keys: about 2^-6400).
        let other = FlowIndex()
        #expect((0..<100).contains { index.hash(Self.key($0)) != other.hash(Self.key($0)) })
    }

    /// Random inserts, finds and removals against a dictionary; with `collide`, a function
    /// under which all keys of a test share one hash (every probe walks the cluster, and
    /// removals shift it back).
    func agreesWithADictionary(collide: Bool, keys count: Int, operations: Int) {
        let zero = InlineArray<13, UInt64>(repeating: 0)
        var index = collide ? FlowIndex(hasher: FlowHash(numbers: zero)) : FlowIndex()
        // With all numbers zero, keys differing only in the lower port (and no VLAN) hash to 0.
        let keys = (0..<count).map { Self.key($0, v6: collide) }
        if collide { #expect(Set(keys.map { index.hash($0) }).count == 1) }
        var slotKeys: [FlowKey?] = Array(repeating: nil, count: count)
        var reference: [FlowKey: Int] = [:]
        var random = SystemRandomNumberGenerator()
        var freeSlots = Array(0..<count)
        for _ in 0..<operations {
            let key = keys[Int.random(in: 0..<count, using: &random)]
            let found = index.find(key, hash: index.hash(key)) { slotKeys[$0] ?? Self.absent }
            #expect(found == reference[key])
            if let slot = found {
                let removed = index.remove(slot: slot, hash: index.hash(key))
                #expect(removed)
                #expect(!index.contains(slot: slot, hash: index.hash(key)))
                reference[key] = nil
                slotKeys[slot] = nil
                freeSlots.append(slot)
            } else if let slot = freeSlots.popLast() {
                index.insert(slot: slot, hash: index.hash(key))
                #expect(index.contains(slot: slot, hash: index.hash(key)))
                reference[key] = slot
                slotKeys[slot] = key
            }
            #expect(index.count == reference.count)
        }
        #expect(Set(index.slots) == Set(reference.values))
        for (key, slot) in reference {
            let found = index.find(key, hash: index.hash(key)) { slotKeys[$0] ?? Self.absent }
            #expect(found == slot)
        }
    }

    @Test func agreesWithADictionary() {
        agreesWithADictionary(collide: false, keys: 5_000, operations: 40_000)
    }

    @Test func agreesWithADictionaryWhenEveryKeyCollides() {
        agreesWithADictionary(collide: true, keys: 300, operations: 6_000)
    }

    /// The highest slot an entry can name round-trips; the table tracks no more flows.
    @Test func theLastSlotFitsAnEntry() {
        var index = FlowIndex()
        let key = Self.key(3)
        let last = FlowIndex.maxSlots - 1
        index.insert(slot: last, hash: index.hash(key))
        let found = index.find(key, hash: index.hash(key)) { $0 == last ? key : Self.absent }
        #expect(found == last)
        #expect(index.slots == [last])
        let removed = index.remove(slot: last, hash: index.hash(key))
        #expect(removed && index.count == 0)
    }

    @Test func removingAnAbsentSlotChangesNothing() {
        var index = FlowIndex()
        let key = Self.key(1)
        index.insert(slot: 0, hash: index.hash(key))
        let otherSlot = index.remove(slot: 1, hash: index.hash(key))
        let otherKey = index.remove(slot: 0, hash: index.hash(Self.key(2)))
        #expect(!otherSlot && !otherKey)
        #expect(index.count == 1)
        let found = index.find(key, hash: index.hash(key)) { _ in key }
        #expect(found == 0)
    }
}
