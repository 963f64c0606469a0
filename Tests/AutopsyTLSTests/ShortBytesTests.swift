import Testing

@testable import AutopsyTLS

@Suite struct ShortBytesTests {
    /// Every length from 0 to 32, from an array and from raw bytes (read eight at a time):
    /// the same bytes back, equal (and hashing alike) exactly when the bytes are.
    @Test func holdsUpToThirtyTwoBytes() {
        var generator = SystemRandomNumberGenerator()
        for count in 0...ShortBytes.capacity {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let held = ShortBytes(prefixOf: bytes)
            let read = bytes.withUnsafeBytes { ShortBytes(prefixOf: $0) }
            #expect(Array(held) == bytes && held.count == count && held.isEmpty == (count == 0))
            #expect(read == held && read.hashValue == held.hashValue, "\(count) bytes")
            if count > 0 {
                var changed = bytes
                changed[count - 1] ^= 0x80
                #expect(ShortBytes(prefixOf: changed) != held)
                // A shorter prefix is another value, even when the byte dropped is zero.
                #expect(ShortBytes(prefixOf: bytes.dropLast()) != held)
            }
        }
        #expect(ShortBytes(prefixOf: [0, 0]) != ShortBytes(prefixOf: [0]))
        #expect(ShortBytes() == [])
    }

    /// A position outside `0..<count` reads 0 instead of trapping, however far out.
    @Test func positionsOutsideTheBytesReadZero() {
        let held = ShortBytes(prefixOf: [UInt8](repeating: 0xab, count: 32))
        let short: ShortBytes = [0xff, 0xee]
        for position in [-1, Int.min, 32, 33, 40, Int.max] { #expect(held[position] == 0, "\(position)") }
        for position in [2, 3, 8, 31, 100] { #expect(short[position] == 0, "\(position)") }
        #expect(held[31] == 0xab && short[1] == 0xee)
    }

    /// More than 32 bytes: the first 32 are kept, from either source.
    @Test func keepsTheFirstThirtyTwoOfMore() {
        let bytes = (0..<40).map { UInt8($0) }
        let held = ShortBytes(prefixOf: bytes)
        #expect(Array(held) == Array(bytes[..<32]))
        #expect(bytes.withUnsafeBytes { ShortBytes(prefixOf: $0) } == held)
    }

    /// An SSL 2.0 SERVER-HELLO's connection id (16 to 32 bytes by RFC 6101) is its random:
    /// a longer one is read whole, its first 32 bytes kept, and the hello still parses.
    @Test(arguments: [16, 32, 40])
    func anSSLv2ConnectionIDIsTheRandom(_ length: Int) throws {
        let connection = (0..<length).map { UInt8($0 + 1) }
        // msg_type 4, session id hit, certificate type, version, then the three lengths.
        let message: [UInt8] =
            [4, 0, 1, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, UInt8(length)] + [0x01, 0x00, 0x80] + connection
        let parsed = try ServerHello.parseSSLv2(message)
        #expect(Array(parsed.hello.random) == Array(connection.prefix(32)))
        #expect(parsed.hello.sslv2CipherKind == 0x01_0080 && parsed.certificate == nil)
    }

    /// The cursor reads them like `readBytes`, and refuses more than 32 or more than is left,
    /// consuming nothing.
    @Test func aCursorReadsThemInPlace() throws {
        let bytes = (0..<40).map { UInt8($0) }
        var cursor = ByteCursor(bytes, range: 3..<40)
        #expect(try Array(cursor.readShortBytes(count: 5, "a")) == [3, 4, 5, 6, 7])
        #expect(try Array(cursor.readShortBytes(count: 0, "b")) == [])
        #expect(cursor.offset == 5)
        #expect(throws: ParseError(kind: .lengthOutOfRange(length: 33, allowed: 0...32), field: "c", offset: 5)) {
            try cursor.readShortBytes(count: 33, "c")
        }
        #expect(try cursor.readShortBytes(count: 30, "d").last == 37)
        #expect(throws: ParseError(kind: .truncated(needed: 3, available: 2), field: "e", offset: 35)) {
            try cursor.readShortBytes(count: 3, "e")
        }
        #expect(throws: ParseError.self) { try cursor.readShortBytes(count: -1, "f") }
        #expect(cursor.remaining == 2)
    }
}
