/// A bounds-checked window over one packet's bytes: the only code in this target that
/// subscripts packet bytes.
///
/// The reader holds positions, not the bytes: a type that stores a `Span` must be
/// `~Escapable`, which needs the experimental `Lifetimes` feature in Swift 6.3. Each read
/// takes the packet's `Span` and checks its own window against it, so a read never
/// traps and never looks past `end`.
///
/// Header fields are read at offsets relative to `position` (as RFC diagrams number
/// them); `skip` then moves past the header. Lengths are compared with `remaining`
/// (`end - position`), never added to `position` first, so a length from the wire
/// cannot overflow.
struct PacketReader {
    /// Offset of the next header from the start of the packet.
    /// Invariant: `0 <= position <= end`.
    private(set) var position: Int
    /// One past the last byte this reader may read: the captured length, lowered to the
    /// end of the IP datagram once its length is known (Ethernet padding is not read).
    private(set) var end: Int

    /// A reader over a whole packet of `count` bytes.
    init(count: Int) {
        position = 0
        end = max(count, 0)
    }

    /// Bytes left in the window.
    var remaining: Int { end - position }

    /// Throws `truncated` unless `count` bytes are left.
    @inline(__always)
    func require(_ count: Int, _ layer: StaticString) throws(PacketError) {
        guard count >= 0, count <= remaining else {
            throw PacketError(kind: .truncated, layer: layer, offset: position)
        }
    }

    /// Moves past `count` bytes, or throws `truncated` and stays put.
    @inline(__always)
    mutating func skip(_ count: Int, _ layer: StaticString) throws(PacketError) {
        try require(count, layer)
        position += count  // cannot overflow: count <= end - position
    }

    /// Lowers the window's end to `count` bytes past `position` when that is less than
    /// what is left (a no-op when the capture holds fewer bytes).
    @inline(__always)
    mutating func limit(toRemaining count: Int) {
        guard count >= 0, count < remaining else { return }
        end = position + count  // cannot overflow: count < end - position
    }

    /// The absolute index of `count` bytes at `offset` past `position`, or a
    /// `truncated` error when they are not all inside both the window and `bytes`.
    @inline(__always)
    private func index(_ offset: Int, _ count: Int, _ bytes: Span<UInt8>, _ layer: StaticString) throws(PacketError)
        -> Int
    {
        guard offset >= 0, count >= 0, end <= bytes.count, offset <= remaining, count <= remaining - offset else {
            throw PacketError(kind: .truncated, layer: layer, offset: position)
        }
        return position + offset  // <= end: no overflow
    }

    /// The byte at `offset` past `position`.
    @inline(__always)
    func uint8(_ bytes: Span<UInt8>, at offset: Int, _ layer: StaticString) throws(PacketError) -> UInt8 {
        let i = try index(offset, 1, bytes, layer)
        return bytes[i]
    }

    /// The big-endian 16-bit value at `offset` past `position`.
    @inline(__always)
    func uint16(_ bytes: Span<UInt8>, at offset: Int, _ layer: StaticString) throws(PacketError) -> UInt16 {
        let i = try index(offset, 2, bytes, layer)
        // One load (itself bounds-checked) instead of two checked subscripts.
        return bytes.bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt16.self).bigEndian
    }

    /// The little-endian 16-bit value at `offset` past `position`.
    @inline(__always)
    func uint16LittleEndian(_ bytes: Span<UInt8>, at offset: Int, _ layer: StaticString) throws(PacketError) -> UInt16 {
        let i = try index(offset, 2, bytes, layer)
        return bytes.bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt16.self).littleEndian
    }

    /// The big-endian 32-bit value at `offset` past `position`.
    @inline(__always)
    func uint32(_ bytes: Span<UInt8>, at offset: Int, _ layer: StaticString) throws(PacketError) -> UInt32 {
        let i = try index(offset, 4, bytes, layer)
        return bytes.bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt32.self).bigEndian
    }

    /// The big-endian 64-bit value at `offset` past `position`.
    @inline(__always)
    func uint64(_ bytes: Span<UInt8>, at offset: Int, _ layer: StaticString) throws(PacketError) -> UInt64 {
        let i = try index(offset, 8, bytes, layer)
        return bytes.bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self).bigEndian
    }

    /// A `PacketError` of `kind` at `offset` past `position`.
    func error(_ kind: PacketError.Kind, _ layer: StaticString, at offset: Int = 0) -> PacketError {
        let (absolute, overflow) = position.addingReportingOverflow(offset)
        return PacketError(kind: kind, layer: layer, offset: overflow ? position : absolute)
    }
}
