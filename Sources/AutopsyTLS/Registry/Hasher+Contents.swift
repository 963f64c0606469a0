extension Hasher {
    /// Feeds an optional list of registry values (`CipherSuite`, `NamedGroup`…, one
    /// `UInt16` each, no padding) as its count and its bytes: one pass over the memory
    /// instead of one `combine` per element. Equal lists feed equal bytes; nil feeds a count
    /// no list has. Cache keys made of a hello's lists hash this way, once per flow.
    public mutating func combine<Value: RawRepresentable>(contentsOf list: [Value]?) where Value.RawValue == UInt16 {
        guard let list else { return combine(-1) }
        combine(list.count)
        // A value that is its raw value alone (the registry's types) is hashed as memory.
        guard MemoryLayout<Value>.size == 2, MemoryLayout<Value>.stride == 2 else {
            for value in list { combine(value.rawValue) }
            return
        }
        list.withUnsafeBytes { combine(bytes: $0) }
    }
}
