/// The last few entries of a cache looked up or added, most recent first, compared with `==`
/// before the cache's table is hashed. Flows of one client stack or one server come close
/// together, and comparing a hello's lists with a few recent ones costs a fraction of
/// hashing them (the table compares them with `==` on a hit anyway). Storage is reused:
/// no allocation once `capacity` entries are held.
public struct RecentEntries<Key: Equatable, Value> {
    /// Entries held at most; the least recent is dropped past it.
    public let capacity: Int
    private var keys: [Key] = []
    private var values: [Value] = []

    /// No entries yet.
    public init(capacity: Int = 8) {
        self.capacity = max(1, capacity)
        keys.reserveCapacity(self.capacity)
        values.reserveCapacity(self.capacity)
    }

    /// Entries held.
    public var count: Int { keys.count }

    /// The value kept for `key`, which becomes the most recent; nil when it is not held.
    public mutating func value(for key: Key) -> Value? {
        value(matching: key, { $0 == $1 })
    }

    /// The value kept for the first key `matches` accepts, which becomes the most recent;
    /// nil when none does. A caller that can compare its value with a key in place looks it
    /// up without building a key (and copying what it holds) for every lookup.
    public mutating func value(where matches: (borrowing Key) -> Bool) -> Value? {
        value(matching: (), { key, _ in matches(key) })
    }

    /// `value(where:)` with what the keys are compared with passed to `matches` beside each
    /// key, not captured: a closure that captures a borrowed value (a hello) copies it, every
    /// list it holds retained and released, on every lookup.
    public mutating func value<Probe: ~Copyable>(
        matching probe: borrowing Probe, _ matches: (borrowing Key, borrowing Probe) -> Bool
    ) -> Value? {
        // Keys lent from the array's span: through its subscript, each was copied first.
        var found: Int?
        do {
            let held = keys.span
            var index = 0
            while index < held.count {
                if matches(held[index], probe) {
                    found = index
                    break
                }
                index += 1
            }
        }
        return found.map { hit($0) }
    }

    /// Keeps `value` for `key` as the most recent entry (a key already held is replaced).
    public mutating func insert(_ key: Key, _ value: Value) {
        if let index = keys.firstIndex(of: key) {
            keys.remove(at: index)
            values.remove(at: index)
        } else if keys.count >= capacity {
            keys.removeLast()
            values.removeLast()
        }
        keys.insert(key, at: 0)
        values.insert(value, at: 0)
    }

    /// The value at `index`, its entry made the most recent.
    @inline(__always)
    private mutating func hit(_ index: Int) -> Value {
        let value = values[index]
        if index > 0 { moveToFront(index) }
        return value
    }

    private mutating func moveToFront(_ index: Int) {
        Self.rotateToFront(&keys, index)
        Self.rotateToFront(&values, index)
    }

    /// Moves `items[index]` to the front, the ones before it one place back: moved in memory,
    /// not copied (`remove` and `insert` copied the entry through `replaceSubrange`,
    /// retaining and releasing every list a key holds).
    private static func rotateToFront<Item>(_ items: inout [Item], _ index: Int) {
        guard index > 0, index < items.count else { return }
        items.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let moved = (base + index).move()
            // Overlapping regions are allowed: the items move up one place, last first.
            (base + 1).moveInitialize(from: base, count: index)
            base.initialize(to: moved)
        }
    }
}
