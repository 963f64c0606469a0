import AutopsyFlow
import Testing

/// The few most recent entries a cache tries before hashing: found by `==`, moved to the
/// front when found, the least recent dropped past the capacity.
@Suite struct RecentEntriesTests {
    @Test func entriesAreFoundUntilPushedOut() {
        var recent = RecentEntries<[Int], String>(capacity: 3)
        #expect(recent.value(for: [1]) == nil)
        recent.insert([1], "one")
        recent.insert([2], "two")
        recent.insert([3], "three")
        #expect(recent.count == 3)
        #expect(recent.value(for: [1]) == "one")  // now the most recent
        recent.insert([4], "four")  // drops [2], the least recent
        #expect(recent.count == 3)
        #expect(recent.value(for: [2]) == nil)
        #expect(recent.value(for: [1]) == "one")
        #expect(recent.value(for: [3]) == "three")
        #expect(recent.value(for: [4]) == "four")
        // An equal key built anew is found; a key held again is replaced, not duplicated.
        recent.insert(Array([3]), "three again")
        #expect(recent.count == 3)
        #expect(recent.value(for: [3]) == "three again")
        recent.insert([5], "five")
        recent.insert([6], "six")
        #expect(recent.value(for: [3]) == "three again")
        #expect(recent.value(for: [4]) == nil)
    }

    @Test func aCapacityBelowOneHoldsOne() {
        var recent = RecentEntries<Int, Int>(capacity: 0)
        recent.insert(1, 10)
        recent.insert(2, 20)
        #expect(recent.count == 1)
        #expect(recent.value(for: 2) == 20)
        #expect(recent.value(for: 1) == nil)
    }

    /// Found by a predicate on the key held (no key built to look up): the same entry, moved
    /// to the front, as found by `==`.
    @Test func entriesAreFoundByAPredicateToo() {
        var recent = RecentEntries<[Int], String>(capacity: 2)
        recent.insert([1], "one")
        recent.insert([2], "two")
        #expect(recent.value(where: { $0.first == 3 }) == nil)
        #expect(recent.value(where: { $0.first == 1 }) == "one")  // now the most recent
        recent.insert([3], "three")  // drops [2]
        #expect(recent.value(where: { $0 == [2] }) == nil)
        #expect(recent.value(for: [1]) == "one")
        #expect(recent.value(where: { $0.count == 1 }) == "one")  // the first that matches
    }
}
