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

    /// Puts `slot` at the front (most recent), unlinking it first if needed. Inlined: every
    /// packet moves its flow.
    @inline(__always)
    mutating func moveToFront(_ slot: Int) {
        guard slot >= 0, slot < links.count, head != slot else { return }
        // Every link of the move is written through one span: one uniqueness check of the
        // array for the whole move, instead of one per write (about five a packet).
        var (first, last) = (head, tail)
        var span = links.mutableSpan
        if span[slot].isLinked { Self.unlink(slot, &span, head: &first, tail: &last) }
        span[slot] = Link(previous: -1, next: first, isLinked: true)
        if first >= 0 { span[first].previous = slot }
        (head, tail) = (slot, last < 0 ? slot : last)
    }

    /// Unlinks `slot`; does nothing when it is not in the list.
    mutating func remove(_ slot: Int) {
        guard slot >= 0, slot < links.count else { return }
        var (first, last) = (head, tail)
        var span = links.mutableSpan
        guard span[slot].isLinked else { return }
        Self.unlink(slot, &span, head: &first, tail: &last)
        (head, tail) = (first, last)
    }

    /// Unlinks the linked `slot` from its neighbours in `span` (its links cleared).
    private static func unlink(_ slot: Int, _ span: inout MutableSpan<Link>, head: inout Int, tail: inout Int) {
        let link = span[slot]
        if link.previous >= 0 { span[link.previous].next = link.next } else { head = link.next }
        if link.next >= 0 { span[link.next].previous = link.previous } else { tail = link.previous }
        span[slot] = Link()
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
