/// Up to 32 bytes held in place rather than in an array of their own: a hello's random and
/// legacy session id (RFC 8446, 4.1.2 and 4.1.3: 32 bytes, and 0 to 32), which every flow
/// has and nothing but comparisons read. Four arrays a flow fewer to allocate, and to
/// release when the flow's record is freed, long after any cache held them.
///
/// Two values are equal when they hold the same bytes: the bytes past `count` are always zero.
public struct ShortBytes: Sendable, Hashable {
    /// The most bytes held.
    public static let capacity = 32

    // Byte `i` is byte `i % 8` (least significant first) of word `i / 8`.
    private var word0: UInt64 = 0
    private var word1: UInt64 = 0
    private var word2: UInt64 = 0
    private var word3: UInt64 = 0
    private var length: UInt8 = 0

    /// No bytes.
    public init() {}

    /// The first `capacity` bytes of `bytes` (any after them are not kept).
    public init(prefixOf bytes: some Sequence<UInt8>) {
        for byte in bytes {
            guard Int(length) < Self.capacity else { break }
            setByte(Int(length), byte)
            length += 1
        }
    }

    /// The first `capacity` bytes of `bytes`, read eight at a time.
    public init(prefixOf bytes: UnsafeRawBufferPointer) {
        let count = Swift.min(bytes.count, Self.capacity)
        var offset = 0
        while count - offset >= 8 {
            setWord(offset / 8, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        while offset < count {
            setByte(offset, bytes[offset])
            offset += 1
        }
        length = UInt8(truncatingIfNeeded: count)
    }

    private func word(_ index: Int) -> UInt64 {
        switch index {
        case 0: return word0
        case 1: return word1
        case 2: return word2
        default: return word3
        }
    }

    private mutating func setWord(_ index: Int, _ value: UInt64) {
        switch index {
        case 0: word0 = value
        case 1: word1 = value
        case 2: word2 = value
        default: word3 = value
        }
    }

    private mutating func setByte(_ position: Int, _ byte: UInt8) {
        let shift = UInt64((position & 7) * 8)
        let index = position >> 3
        setWord(index, word(index) & ~(0xff << shift) | UInt64(byte) << shift)
    }
}

extension ShortBytes: RandomAccessCollection {
    /// The first byte's position: 0.
    public var startIndex: Int { 0 }
    /// Past the last byte: the count.
    public var endIndex: Int { Int(length) }

    /// The byte at `position` (`0..<count`). Another position reads 0, as the bytes past
    /// `count` are, rather than trapping: these bytes come from the network.
    public subscript(position: Int) -> UInt8 {
        guard position >= 0 && position < Int(length) else { return 0 }
        return UInt8(truncatingIfNeeded: word(position >> 3) >> UInt64((position & 7) * 8))
    }
}

extension ShortBytes: ExpressibleByArrayLiteral {
    /// The bytes listed (the first `capacity` of them).
    public init(arrayLiteral elements: UInt8...) {
        self.init(prefixOf: elements)
    }
}
