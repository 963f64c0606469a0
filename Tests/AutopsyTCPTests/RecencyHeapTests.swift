import Testing

@testable import AutopsyTCP

/// The recency heap on its own: stamped lazily (the heap is told nothing when a slot is
/// used again), it names the same least recently used slot as a list that moves each used
/// slot to its front, after any mix of insertions, uses, removals and questions.
@Suite struct RecencyHeapTests {
    @Test func namesTheSameLeastRecentSlotAsAListMovedOnEveryUse() {
        for slotCount in [1, 2, 5, 16, 64] {
            var heap = RecencyHeap()
            heap.reserveSlots(slotCount)
            var stamps = [UInt64](repeating: 0, count: slotCount)
            var model: [Int] = []  // most recent first
            var clock: UInt64 = 0
            var state: UInt64 = 0x9e37_79b9_7f4a_7c15 &+ UInt64(slotCount)
            for step in 0..<20_000 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let slot = Int(truncatingIfNeeded: state >> 33) % slotCount
                clock += 1
                switch (state >> 20) % 8 {
                case 0:
                    heap.remove(slot)
                    model.removeAll { $0 == slot }
                case 1:
                    // A question, as expiry and eviction ask; the least recent slot sometimes leaves.
                    let answer = heap.leastRecent { stamps[$0] }
                    #expect(answer == model.last, "\(slotCount) slots, step \(step)")
                    if let answer, (state >> 40) % 2 == 0 {
                        heap.remove(answer)
                        model.removeLast()
                    }
                default:
                    // A use: a slot not in the heap enters it; one in it is only stamped.
                    stamps[slot] = clock
                    if !heap.contains(slot) { heap.insert(slot, stamp: clock) }
                    model.removeAll { $0 == slot }
                    model.insert(slot, at: 0)
                }
                #expect(heap.count == model.count, "\(slotCount) slots, step \(step)")
            }
        }
    }

    /// Re-keying only happens when asked, and leaves each key at its slot's stamp.
    @Test func askingReKeysTheStaleTopsToTheirStamps() {
        var heap = RecencyHeap()
        heap.reserveSlots(4)
        var stamps: [UInt64] = [1, 2, 3, 4]
        for slot in 0..<4 { heap.insert(slot, stamp: stamps[slot]) }
        stamps[0] = 5
        stamps[1] = 6
        #expect(heap.slotsByKey == [0, 1, 2, 3])
        #expect(heap.leastRecent { stamps[$0] } == 2)
        #expect(heap.slotsByKey == [2, 3, 0, 1])
        #expect(heap.entries.map(\.key).sorted() == [3, 4, 5, 6])
    }

    @Test func slotsOutsideTheHeapAreIgnored() {
        var heap = RecencyHeap()
        heap.reserveSlots(3)
        heap.insert(1, stamp: 1)
        heap.insert(-1, stamp: 2)
        heap.insert(3, stamp: 3)
        heap.remove(7)
        heap.remove(2)
        heap.remove(-4)
        #expect(heap.slotsByKey == [1])
        #expect(!heap.contains(3) && !heap.contains(-1) && heap.contains(1))
        heap.insert(0, stamp: 4)
        heap.insert(2, stamp: 5)
        // Inserting a slot already there re-keys it.
        heap.insert(1, stamp: 6)
        #expect(heap.slotsByKey == [0, 2, 1])
        heap.remove(2)
        heap.remove(0)
        #expect(heap.leastRecent { _ in 6 } == 1)
        heap.remove(1)
        #expect(heap.count == 0)
        #expect(heap.leastRecent { _ in 0 } == nil)
    }
}
