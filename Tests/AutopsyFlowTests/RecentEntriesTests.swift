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

    /// Counts the values alive, to see that entries moved to the front are moved, not lost
    /// or doubled.
    final class Tracked {
        nonisolated(unsafe) static var alive = 0
        let name: String
        init(_ name: String) {
            self.name = name
            Tracked.alive += 1
        }
        deinit { Tracked.alive -= 1 }
    }

    /// Hits from the middle and the end move that entry to the front and the ones before it
    /// back one place, so the least recent is the one dropped next; every value lives on
    /// until it is dropped, once.
    @Test func hitsMoveEntriesToTheFrontInOrder() {
        let before = Tracked.alive
        do {
            var recent = RecentEntries<[Int], Tracked>(capacity: 4)
            for key in 1...4 { recent.insert([key], Tracked("v\(key)")) }  // 4 3 2 1
            #expect(recent.value(for: [2])?.name == "v2")  // 2 4 3 1
            #expect(recent.value(where: { $0 == [1] })?.name == "v1")  // 1 2 4 3
            #expect(recent.value(for: [1])?.name == "v1")  // at the front already
            #expect(Tracked.alive == before + 4)
            recent.insert([5], Tracked("v5"))  // 5 1 2 4: 3 was the least recent
            #expect(Tracked.alive == before + 4)
            #expect(recent.value(for: [3]) == nil)
            recent.insert([6], Tracked("v6"))  // 6 5 1 2
            #expect(recent.value(for: [4]) == nil)
            #expect(recent.value(for: [2])?.name == "v2")  // 2 6 5 1
            recent.insert([7], Tracked("v7"))  // 7 2 6 5
            #expect(recent.value(for: [1]) == nil)
            #expect(recent.value(for: [5])?.name == "v5")
            #expect(recent.value(for: [6])?.name == "v6")
            #expect(recent.count == 4)
            #expect(Tracked.alive == before + 4)
        }
        #expect(Tracked.alive == before)
    }
}
