import Testing

@testable import AutopsyPackets

@Suite("PacketReader")
struct PacketReaderTests {
    let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a]

    @Test("reads big- and little-endian fields at offsets")
    func reads() throws {
        let reader = PacketReader(count: bytes.count)
        #expect(try reader.uint8(bytes.span, at: 9, "t") == 0x0a)
        #expect(try reader.uint16(bytes.span, at: 0, "t") == 0x0102)
        #expect(try reader.uint16LittleEndian(bytes.span, at: 0, "t") == 0x0201)
        #expect(try reader.uint32(bytes.span, at: 6, "t") == 0x0708_090a)
        #expect(try reader.uint64(bytes.span, at: 2, "t") == 0x0304_0506_0708_090a)
    }

    @Test("out-of-window reads throw truncated, whatever the offset", arguments: [-1, 9, 10, 11, Int.max, Int.min])
    func outOfWindow(_ offset: Int) {
        let reader = PacketReader(count: bytes.count)
        #expect(throws: PacketError(kind: .truncated, layer: "t", offset: 0)) {
            try reader.uint16(bytes.span, at: offset, "t")
        }
    }

    @Test("skip and limit keep the window inside the packet")
    func skipAndLimit() throws {
        var reader = PacketReader(count: bytes.count)
        try reader.skip(4, "t")
        #expect(reader.remaining == 6)
        reader.limit(toRemaining: 100)  // more than present: no-op
        #expect(reader.remaining == 6)
        reader.limit(toRemaining: 3)
        #expect(reader.remaining == 3)
        #expect(try reader.uint8(bytes.span, at: 2, "t") == 0x07)
        #expect(throws: PacketError.self) { try reader.uint8(bytes.span, at: 3, "t") }
        #expect(throws: PacketError(kind: .truncated, layer: "t", offset: 4)) { try reader.skip(4, "t") }
        #expect(throws: PacketError.self) { try reader.skip(-1, "t") }
        #expect(throws: PacketError.self) { try reader.skip(Int.max, "t") }
        reader.limit(toRemaining: -5)  // ignored
        #expect(reader.remaining == 3)
        #expect(reader.position == 4)
    }

    @Test("a window larger than the span it is given never reads past the span")
    func mismatchedSpan() {
        let reader = PacketReader(count: 100)
        #expect(throws: PacketError.self) { try reader.uint8(bytes.span, at: 50, "t") }
    }

    @Test("errors at huge offsets do not overflow")
    func errorOffsets() throws {
        var reader = PacketReader(count: bytes.count)
        try reader.skip(5, "t")
        #expect(reader.error(.badLength, "t", at: Int.max).offset == 5)
        #expect(reader.error(.badLength, "t", at: 2).offset == 7)
    }
}

@Suite("PacketError")
struct PacketErrorTests {
    @Test(
        "descriptions name the layer, the problem and the byte",
        arguments: [
            (PacketError(kind: .truncated, layer: "tcp", offset: 34), "tcp header cut short at byte 34"),
            (PacketError(kind: .badHeader, layer: "ipv4", offset: 14), "invalid ipv4 header field at byte 14"),
            (PacketError(kind: .badLength, layer: "ipv6.ext", offset: 56), "ipv6.ext length out of range at byte 56"),
            (PacketError(kind: .unsupported, layer: "link", offset: 0), "unsupported link encoding at byte 0"),
        ])
    func descriptions(_ error: PacketError, _ text: String) {
        #expect(error.description == text)
    }

    @Test("equality compares kind, layer text and offset")
    func equality() {
        let a = PacketError(kind: .truncated, layer: "tcp", offset: 1)
        #expect(a == PacketError(kind: .truncated, layer: "tcp", offset: 1))
        #expect(a != PacketError(kind: .truncated, layer: "tc", offset: 1))
        #expect(a != PacketError(kind: .truncated, layer: "tcp", offset: 2))
        #expect(a != PacketError(kind: .badLength, layer: "tcp", offset: 1))
    }
}
