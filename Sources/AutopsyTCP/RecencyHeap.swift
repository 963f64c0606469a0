/// The live flows in order of last use, for idle expiry and eviction: a binary min-heap
/// of slots, each keyed by the stamp (a rising serial) of the packet that last touched
/// it, kept up to date lazily.
///
/// Every packet stamps its flow where the table keeps the flow's state, a line the packet
/// writes anyway; the heap is not told. An entry's key is therefore at most its slot's
/// stamp. When the least recently used slot is asked for, entries at the top whose slot
/// was stamped since they were keyed are re-keyed to the stamp and sifted down, until the
/// top's key is its slot's stamp: every other key is at least that one and every stamp at
/// least its key, so the top is exactly the slot least recently stamped, the one a list
/// that moved each packet's flow to its front would hold at its tail. Stamps are unique
/// (one per packet), so there are no ties.
///
/// What it saves: a list moved on every packet reads the flow's link and writes its two
/// neighbours', at places no cache holds when a thousand flows are open. Here a packet
/// costs the stamp; a flow costs one insertion (at the bottom: its key is the largest)
/// and one removal, in two arrays of a few bytes per slot; the re-keying happens only when
/// expiry (once a capture second) or eviction looks, once per slot stamped since.
struct RecencyHeap {
    /// A slot and its key (at most the slot's stamp).
    struct Entry {
        var key: UInt64
        var slot: Int32
    }

    /// Slots the heap can hold (indices fit in 32 bits).
    static let maxSlots = Int(Int32.max)

    /// The heap: every entry's key is at most its children's (at `2i + 1`, `2i + 2`).
    private(set) var entries: [Entry] = []
    /// Each slot's position in `entries`, or -1 when the slot is not in the heap.
    private var positions: [Int32] = []

    /// Slots in the heap.
    var count: Int { entries.count }

    /// Makes room for slot indices below `count`.
    mutating func reserveSlots(_ count: Int) {
        while positions.count < min(count, Self.maxSlots) { positions.append(-1) }
    }

    /// Whether `slot` is in the heap.
    func contains(_ slot: Int) -> Bool {
        slot >= 0 && slot < positions.count && positions[slot] >= 0
    }

    /// Puts `slot`, last stamped `stamp`, in the heap; re-keys it when it is there already.
    /// Does nothing for a slot outside `reserveSlots`.
    mutating func insert(_ slot: Int, stamp: UInt64) {
        guard slot >= 0, slot < positions.count else { return }
        if positions[slot] >= 0 {
            let position = Int(positions[slot])
            entries[position].key = stamp
            restore(position)
            return
        }
        let position = entries.count
        entries.append(Entry(key: stamp, slot: Int32(truncatingIfNeeded: slot)))
        positions[slot] = Int32(truncatingIfNeeded: position)
        // A new flow's stamp is the largest: it stays at the bottom.
        if position > 0, entries[(position - 1) / 2].key > stamp { restore(position) }
    }

    /// Takes `slot` out of the heap; does nothing when it is not there.
    mutating func remove(_ slot: Int) {
        guard contains(slot) else { return }
        let position = Int(positions[slot])
        positions[slot] = -1
        guard let last = entries.popLast(), position < entries.count else { return }
        // The last entry fills the hole and moves down or up to where it belongs.
        entries[position] = last
        positions[Int(last.slot)] = Int32(truncatingIfNeeded: position)
        restore(position)
    }

    /// The slot least recently stamped, given each slot's current stamp; nil when empty.
    /// A stamp must never be lower than the one the slot was inserted or last re-keyed with.
    mutating func leastRecent(stamp: (Int) -> UInt64) -> Int? {
        while let top = entries.first {
            let current = stamp(Int(top.slot))
            if current <= top.key { return Int(top.slot) }
            entries[0].key = current
            restore(0)
        }
        return nil
    }

    /// Slots from least to most recently keyed (for tests; allocates).
    var slotsByKey: [Int] {
        entries.sorted { $0.key < $1.key }.map { Int($0.slot) }
    }

    /// Moves the entry at `start` up while its parent's key is larger, else down while a
    /// child's is smaller; every entry moved has its slot's position updated. Both arrays
    /// are written through spans (one uniqueness check of each for the whole walk).
    private mutating func restore(_ start: Int) {
        Self.restore(start, &entries, &positions)
    }

    private static func restore(_ start: Int, _ entries: inout [Entry], _ positions: inout [Int32]) {
        var heap = entries.mutableSpan
        var located = positions.mutableSpan
        guard start >= 0, start < heap.count else { return }
        let moving = heap[start]
        var position = start
        while position > 0 {
            let parent = (position - 1) / 2
            let above = heap[parent]
            guard above.key > moving.key else { break }
            heap[position] = above
            located[Int(above.slot)] = Int32(truncatingIfNeeded: position)
            position = parent
        }
        if position == start {
            while true {
                let left = 2 * position + 1
                guard left < heap.count else { break }
                let right = left + 1
                let child = right < heap.count && heap[right].key < heap[left].key ? right : left
                let below = heap[child]
                guard below.key < moving.key else { break }
                heap[position] = below
                located[Int(below.slot)] = Int32(truncatingIfNeeded: position)
                position = child
            }
        }
        heap[position] = moving
        located[Int(moving.slot)] = Int32(truncatingIfNeeded: position)
    }
}
