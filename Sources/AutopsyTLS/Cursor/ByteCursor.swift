/// A bounds-checked, read-only cursor over bytes from the network. It never traps.
///
/// Every read checks the bytes left first and throws a ``ParseError`` instead of
/// reading past the end; a failed read consumes nothing. Each length-prefixed item is
/// read through its own sub-cursor (``readVector(lengthBytes:allowed:_:)``) or through this
/// cursor narrowed to it (``withVector(lengthBytes:allowed:_:_:)``), so a lying inner
/// length cannot reach into the next field. The storage is shared copy-on-write:
/// sub-cursors copy nothing.
public struct ByteCursor: Sendable {
    /// The bytes; only `storage[start..<end]` belongs to this cursor.
    @usableFromInline let storage: [UInt8]
    /// Invariant: `0 <= base <= start <= end <= storage.count`. `end` moves only while
    /// `withVector` narrows the cursor, and is put back before it returns or throws.
    @usableFromInline var start: Int
    @usableFromInline var end: Int
    /// Where offsets count from: a cursor over part of its storage (a message inside a
    /// record) reports offsets from that part's start.
    @usableFromInline let base: Int

    /// A cursor over all of `bytes`.
    public init(_ bytes: [UInt8]) {
        storage = bytes
        start = 0
        end = bytes.count
        base = 0
    }

    /// A cursor over `range` of `bytes` (clamped to them), offsets counted from its start:
    /// a part of a buffer read in place, without a copy.
    public init(_ bytes: [UInt8], range: Range<Int>) {
        storage = bytes
        start = min(max(range.lowerBound, 0), bytes.count)
        end = min(max(range.upperBound, start), bytes.count)
        base = start
    }

    /// A cursor over the given bytes.
    public init<S: Sequence>(bytes: S) where S.Element == UInt8 {
        self.init(Array(bytes))
    }

    @inlinable init(storage: [UInt8], start: Int, end: Int, base: Int = 0) {
        self.storage = storage
        self.start = start
        self.end = end
        self.base = base
    }

    /// How many bytes are left to read.
    @inlinable public var remaining: Int { end - start }
    /// Whether every byte has been read.
    @inlinable public var isAtEnd: Bool { start == end }
    /// The offset of the next read from the start of the bytes (for error reports).
    @inlinable public var offset: Int { start - base }

    @inlinable func require(_ count: Int, _ field: StaticString) throws(ParseError) {
        // `count <= end - start`, never `start + count <= end`: no overflow possible.
        guard count >= 0, count <= end - start else {
            throw ParseError(
                kind: .truncated(needed: count, available: end - start), field: field, offset: start - base)
        }
    }

    /// Reads one byte.
    @inlinable public mutating func readUInt8(_ field: StaticString) throws(ParseError) -> UInt8 {
        try require(1, field)
        let value = storage[start]
        start += 1
        return value
    }

    /// Reads a big-endian 16-bit integer.
    @inlinable public mutating func readUInt16(_ field: StaticString) throws(ParseError) -> UInt16 {
        try require(2, field)
        let value = UInt16(storage[start]) << 8 | UInt16(storage[start + 1])
        start += 2
        return value
    }

    /// Reads a big-endian 24-bit integer (handshake and certificate lengths).
    @inlinable public mutating func readUInt24(_ field: StaticString) throws(ParseError) -> UInt32 {
        try require(3, field)
        let value = UInt32(storage[start]) << 16 | UInt32(storage[start + 1]) << 8 | UInt32(storage[start + 2])
        start += 3
        return value
    }

    /// Reads a big-endian 32-bit integer.
    @inlinable public mutating func readUInt32(_ field: StaticString) throws(ParseError) -> UInt32 {
        try require(4, field)
        var value: UInt32 = 0
        for index in start..<(start + 4) { value = value << 8 | UInt32(storage[index]) }
        start += 4
        return value
    }

    /// Reads `count` bytes as a new array.
    @inlinable public mutating func readBytes(count: Int, _ field: StaticString) throws(ParseError) -> [UInt8] {
        try require(count, field)
        let bytes = Array(storage[start..<(start + count)])
        start += count
        return bytes
    }

    /// Reads `count` bytes, at most `ShortBytes.capacity`, held in place (a hello's random
    /// and session id: no array of their own).
    public mutating func readShortBytes(count: Int, _ field: StaticString) throws(ParseError) -> ShortBytes {
        guard count <= ShortBytes.capacity else {
            throw ParseError(
                kind: .lengthOutOfRange(length: count, allowed: 0...ShortBytes.capacity), field: field,
                offset: start - base)
        }
        try require(count, field)
        // The invariant puts `start..<end` inside the storage; checked all the same.
        let bytes = storage.withUnsafeBytes { stored in
            start + count <= stored.count
                ? ShortBytes(prefixOf: UnsafeRawBufferPointer(rebasing: stored[start..<(start + count)]))
                : ShortBytes()
        }
        start += count
        return bytes
    }

    /// Skips `count` bytes.
    @inlinable public mutating func skip(count: Int, _ field: StaticString) throws(ParseError) {
        try require(count, field)
        start += count
    }

    /// Consumes `count` bytes and returns a cursor over exactly those.
    @inlinable public mutating func readCursor(count: Int, _ field: StaticString) throws(ParseError) -> ByteCursor {
        try require(count, field)
        let sub = ByteCursor(storage: storage, start: start, end: start + count, base: base)
        start += count
        return sub
    }

    /// Reads a TLS vector `<min..max>` with a length prefix of 1, 2 or 3 bytes and returns a
    /// cursor over its body (RFC 8446, section 3.4).
    @inlinable public mutating func readVector(
        lengthBytes: Int, allowed: ClosedRange<Int>, _ field: StaticString
    ) throws(ParseError) -> ByteCursor {
        let length = try readVectorLength(lengthBytes: lengthBytes, allowed: allowed, field)
        let sub = ByteCursor(storage: storage, start: start, end: start + length, base: base)
        start += length
        return sub
    }

    /// Reads a TLS vector's length prefix, as `readVector` does, then runs `read` on this
    /// same cursor narrowed to the vector's body; afterwards the cursor stands just past
    /// the vector, whatever `read` consumed, and its end is its own again, also when `read`
    /// throws. The same reads and errors as through `readVector`'s sub-cursor, without a
    /// copy of the cursor (each copy retained and released the bytes' storage: about 30 a
    /// handshake's hellos).
    @inlinable public mutating func withVector<Result>(
        lengthBytes: Int, allowed: ClosedRange<Int>, _ field: StaticString,
        _ read: (inout ByteCursor) throws(ParseError) -> Result
    ) throws(ParseError) -> Result {
        let length = try readVectorLength(lengthBytes: lengthBytes, allowed: allowed, field)
        let outerEnd = end
        let after = start + length
        end = after
        defer {
            start = after
            end = outerEnd
        }
        return try read(&self)
    }

    /// Skips a TLS vector (its length prefix, checked as `readVector` checks it, and its body).
    @inlinable public mutating func skipVector(
        lengthBytes: Int, allowed: ClosedRange<Int>, _ field: StaticString
    ) throws(ParseError) {
        start += try readVectorLength(lengthBytes: lengthBytes, allowed: allowed, field)
    }

    /// A vector's length, read from its prefix of 1, 2 or 3 bytes and checked against
    /// `allowed` and the bytes left; a failed check consumes nothing.
    @inline(__always) @inlinable mutating func readVectorLength(
        lengthBytes: Int, allowed: ClosedRange<Int>, _ field: StaticString
    ) throws(ParseError) -> Int {
        let lengthOffset = start
        let length: Int
        switch lengthBytes {
        case 1: length = Int(try readUInt8(field))
        case 2: length = Int(try readUInt16(field))
        default: length = Int(try readUInt24(field))
        }
        guard allowed.contains(length) else {
            start = lengthOffset
            throw ParseError(
                kind: .lengthOutOfRange(length: length, allowed: allowed), field: field, offset: lengthOffset - base)
        }
        do {
            try require(length, field)
        } catch {
            start = lengthOffset
            throw error
        }
        return length
    }

    /// Reads what is left as a new array.
    @inlinable public mutating func readRemaining() -> [UInt8] {
        let bytes = Array(storage[start..<end])
        start = end
        return bytes
    }

    /// Whether the bytes left are exactly `bytes`; they are consumed when they are.
    @inlinable public mutating func readRemaining(ifEqualTo bytes: [UInt8]) -> Bool {
        guard remainingEqual(bytes) else { return false }
        start = end
        return true
    }

    /// Whether the bytes left are `bytes` (as many, and the same), compared 32 bytes a step
    /// (a certificate is a kilobyte or more), then eight at a time.
    @usableFromInline func remainingEqual(_ bytes: [UInt8]) -> Bool {
        guard end - start == bytes.count else { return false }
        return storage.withUnsafeBytes { stored in
            bytes.withUnsafeBytes { wanted in
                // The invariant puts `start..<end` inside the storage; checked all the same.
                guard start >= 0, end <= stored.count else { return false }
                let count = end - start
                var offset = 0
                while count - offset >= 32 {
                    var differ: UInt64 = 0
                    for word in 0..<4 {
                        let at = offset + 8 * word
                        differ |=
                            stored.loadUnaligned(fromByteOffset: start + at, as: UInt64.self)
                            ^ wanted.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                    }
                    guard differ == 0 else { return false }
                    offset += 32
                }
                while count - offset >= 8 {
                    let left = stored.loadUnaligned(fromByteOffset: start + offset, as: UInt64.self)
                    guard left == wanted.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else { return false }
                    offset += 8
                }
                while offset < count {
                    guard stored[start + offset] == wanted[offset] else { return false }
                    offset += 1
                }
                return true
            }
        }
    }

    /// Whether the bytes left are exactly the big-endian 16-bit values `raw` gives for
    /// `list`; they are consumed when they are.
    @inlinable public mutating func readRemaining<T>(ifEqualTo list: [T], _ raw: (T) -> UInt16) -> Bool {
        guard end - start == 2 * list.count else { return false }
        var index = start
        for element in list {
            let value = raw(element)
            guard storage[index] == UInt8(value >> 8), storage[index + 1] == UInt8(truncatingIfNeeded: value) else {
                return false
            }
            index += 2
        }
        start = end
        return true
    }

    /// A hash of the bytes left (FNV-1a's multiply and xor, on eight bytes a step), for
    /// tables of recent values read from the wire; reads nothing. With `tail`, of the last
    /// `tail` bytes left only.
    func remainingHash(tail: Int = .max) -> UInt64 {
        storage.withUnsafeBytes { stored in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            guard start >= 0, end <= stored.count, tail >= 0 else { return hash }
            var offset = end - start > tail ? end - tail : start
            // Eight bytes a step, then the last few one by one.
            while end - offset >= 8 {
                hash = (hash ^ stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x100_0000_01b3
                hash ^= hash >> 29
                offset += 8
            }
            while offset < end {
                hash = (hash ^ UInt64(stored[offset])) &* 0x100_0000_01b3
                offset += 1
            }
            return hash ^ hash >> 32
        }
    }

    /// Looks at the next byte without consuming it.
    @inlinable public func peekUInt8() -> UInt8? {
        start < end ? storage[start] : nil
    }

    /// Throws unless every byte has been read: the enclosing length said the structure ends here.
    @inlinable public func expectEnd(_ field: StaticString) throws(ParseError) {
        guard start == end else {
            throw ParseError(kind: .trailingBytes(count: end - start), field: field, offset: start - base)
        }
    }

    /// Reads big-endian 16-bit values until the cursor is empty; an odd byte left over is an error.
    @inlinable public mutating func readUInt16List(_ field: StaticString) throws(ParseError) -> [UInt16] {
        try readUInt16List(field) { $0 }
    }

    /// Reads big-endian 16-bit values until the cursor is empty, each made into a `T` (a
    /// registry value) as it is read: one array, no intermediate list of integers.
    @inlinable public mutating func readUInt16List<T>(_ field: StaticString, _ make: (UInt16) -> T) throws(ParseError)
        -> [T]
    {
        guard remaining % 2 == 0 else {
            throw ParseError(kind: .trailingBytes(count: 1), field: field, offset: end - 1 - base)
        }
        var values: [T] = []
        values.reserveCapacity(remaining / 2)
        while !isAtEnd { values.append(make(try readUInt16(field))) }
        return values
    }
}
