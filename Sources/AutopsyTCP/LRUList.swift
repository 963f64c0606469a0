/// An intrusive doubly linked list over slot indices, most recently used first.
///
/// The links live in one array parallel to a slab, so moving a slot to the front,
/// removing it and finding the least recently used one are O(1) and never allocate
/// (the array only grows when the slab does).
struct LRUList {
    /// Neighbours of one slot; -1 means none.
    struct Link {
        var previous = -1
        var next = -1
        var isLinked = false
    }

    private(set) var links: [Link] = []
    /// Most recently used slot, or -1.
    private(set) var head = -1
    /// Least recently used slot, or -1.
    private(set) var tail = -1

    /// The least recently used slot, if any.
    var leastRecent: Int? { tail >= 0 ? tail : nil }

    /// Makes room for slot indices below `count`.
    mutating func reserveSlots(_ count: Int) {
        while links.count < count { links.append(Link()) }
    }

    /// Puts `slot` at the front (most recent), unlinking it first if needed.
    mutating func moveToFront(_ slot: Int) {
        guard slot >= 0, slot < links.count else { return }
        if head == slot { return }
        if links[slot].isLinked { remove(slot) }
        links[slot].previous = -1
        links[slot].next = head
        links[slot].isLinked = true
        if head >= 0 { links[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    /// Unlinks `slot`; does nothing when it is not in the list.
    mutating func remove(_ slot: Int) {
        guard slot >= 0, slot < links.count, links[slot].isLinked else { return }
        let previous = links[slot].previous
        let next = links[slot].next
        if previous >= 0 { links[previous].next = next } else { head = next }
        if next >= 0 { links[next].previous = previous } else { tail = previous }
        links[slot] = Link()
    }

    /// Slots from most to least recent (for tests and diagnostics; allocates).
    var slotsMostRecentFirst: [Int] {
        var result: [Int] = []
        var cursor = head
        while cursor >= 0, result.count < links.count {
            result.append(cursor)
            cursor = links[cursor].next
        }
        return result
    }
}
