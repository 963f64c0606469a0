import Testing

@testable import AutopsyTCP

/// The recency list on its own: after any mix of moves to the front and removals it holds
/// the slots a plain array model holds, in the same order, with the same least recent slot.
@Suite struct LRUListTests {
    @Test func movesAndRemovalsKeepTheOrderOfAPlainList() {
        var list = LRUList()
        list.reserveSlots(16)
        var model: [Int] = []
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for step in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let slot = Int(truncatingIfNeeded: state >> 33) % 16
            if (state >> 20) % 4 == 0 {
                list.remove(slot)
                model.removeAll { $0 == slot }
            } else {
                list.moveToFront(slot)
                model.removeAll { $0 == slot }
                model.insert(slot, at: 0)
            }
            #expect(list.slotsMostRecentFirst == model, "step \(step)")
            #expect(list.leastRecent == model.last, "step \(step)")
        }
    }

    /// Eight links to a cache line: every packet reads its flow's link and writes its
    /// neighbours', at places no cache holds when a thousand flows are open.
    @Test func aLinkIsEightBytes() {
        #expect(MemoryLayout<LRUList.Link>.stride == 8)
        #expect(!LRUList.Link().isLinked)
    }

    @Test func slotsOutsideTheListAreIgnored() {
        var list = LRUList()
        list.reserveSlots(3)
        list.moveToFront(1)
        list.moveToFront(-1)
        list.moveToFront(3)
        list.remove(7)
        list.remove(2)
        #expect(list.slotsMostRecentFirst == [1])
        list.moveToFront(1)
        list.moveToFront(0)
        list.moveToFront(2)
        #expect(list.slotsMostRecentFirst == [2, 0, 1])
        list.remove(2)
        list.remove(1)
        #expect(list.slotsMostRecentFirst == [0])
        #expect(list.leastRecent == 0)
        list.remove(0)
        #expect(list.slotsMostRecentFirst.isEmpty)
        #expect(list.leastRecent == nil)
    }
}
