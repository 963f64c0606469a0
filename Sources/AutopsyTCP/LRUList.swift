/// An intrusive doubly linked list over slot indices, most recently used first.
///
/// The links live in one array parallel to a slab, so moving a slot to the front,
/// removing it and finding the least recently used one are O(1) and never allocate
/// (the array only grows when the slab does). A link is 8 bytes: every packet moves its
/// flow, reading its own link and writing its two neighbours', at places no cache holds
/// when a thousand flows are open; eight links share a cache line (24-byte links, three).
struct LRUList {
    /// Neighbours of one slot; -1 means none, and a `previous` of `unlinked` that the slot
    /// is not in the list.
    struct Link {
        var previous = Link.unlinked
        var next: Int32 = -1
        static let unlinked: Int32 = -2
        var isLinked: Bool { previous != Self.unlinked }
    }

    /// Slots the links can name (indices fit in 32 bits).
    static let maxSlots = Int(Int32.max)

    private(set) var links: [Link] = []
    /// Most recently used slot, or -1.
    private(set) var head = -1
    /// Least recently used slot, or -1.
    private(set) var tail = -1

    /// The least recently used slot, if any.
    var leastRecent: Int? { tail >= 0 ? tail : nil }

    /// Makes room for slot indices below `count`.
    mutating func reserveSlots(_ count: Int) {
        while links.count < min(count, Self.maxSlots) { links.append(Link()) }
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
        span[slot] = Link(previous: -1, next: Int32(truncatingIfNeeded: first))
        if first >= 0 { span[first].previous = Int32(truncatingIfNeeded: slot) }
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
        if link.previous >= 0 { span[Int(link.previous)].next = link.next } else { head = Int(link.next) }
        if link.next >= 0 { span[Int(link.next)].previous = link.previous } else { tail = Int(link.previous) }
        span[slot] = Link()
    }

    /// Slots from most to least recent (for tests and diagnostics; allocates).
    var slotsMostRecentFirst: [Int] {
        var result: [Int] = []
        var cursor = head
        while cursor >= 0, result.count < links.count {
            result.append(cursor)
            cursor = Int(links[cursor].next)
        }
        return result
    }
}
