import Testing

@testable import AutopsyTLS

@Suite struct ByteCursorTests {
    @Test func readsBigEndianIntegers() throws {
        var cursor = ByteCursor([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a])
        #expect(try cursor.readUInt8("a") == 0x01)
        #expect(try cursor.readUInt16("b") == 0x0203)
        #expect(try cursor.readUInt24("c") == 0x040506)
        #expect(try cursor.readUInt32("d") == 0x0708_090a)
        #expect(cursor.isAtEnd)
    }

    /// A cursor over part of an array reads only that part, counts offsets from its start,
    /// and clamps a range that does not fit instead of trapping.
    @Test func aCursorOverPartOfTheBytes() throws {
        let bytes: [UInt8] = [1, 2, 3, 4, 5, 6]
        var part = ByteCursor(bytes, range: 2..<5)
        #expect(part.remaining == 3 && part.offset == 0)
        #expect(try part.readUInt16("x") == 0x0304)
        #expect(part.offset == 2)
        #expect(throws: ParseError(kind: .truncated(needed: 2, available: 1), field: "y", offset: 2)) {
            try part.readUInt16("y")
        }
        var vector = ByteCursor([0, 0, 2, 7, 8, 9], range: 2..<6)
        var inner = try vector.readVector(lengthBytes: 1, allowed: 0...5, "v")
        #expect(inner.offset == 1 && inner.readRemaining() == [7, 8])
        for range in [4..<99, -5..<2, 7..<9, 3..<3] {
            var clamped = ByteCursor(bytes, range: range)
            let expected = Array(
                bytes[
                    min(max(range.lowerBound, 0), 6)..<min(max(range.upperBound, min(max(range.lowerBound, 0), 6)), 6)])
            #expect(clamped.readRemaining() == expected, "\(range)")
        }
    }

    @Test func aFailedReadConsumesNothing() throws {
        var cursor = ByteCursor([0x01])
        #expect(throws: ParseError.self) { try cursor.readUInt16("x") }
        #expect(cursor.remaining == 1)
        #expect(try cursor.readUInt8("x") == 1)
    }

    @Test(arguments: [-1, 3, Int.max, Int.min])
    func impossibleCountsThrow(_ count: Int) {
        var cursor = ByteCursor([1, 2])
        #expect(throws: ParseError.self) { try cursor.readBytes(count: count, "x") }
        #expect(throws: ParseError.self) { try cursor.skip(count: count, "x") }
        #expect(throws: ParseError.self) { try cursor.readCursor(count: count, "x") }
    }

    @Test func vectorsAreBoundedBySubCursors() throws {
        // A vector of 2 bytes followed by a byte that belongs to the next field.
        var cursor = ByteCursor([0x00, 0x02, 0xaa, 0xbb, 0xcc])
        var vector = try cursor.readVector(lengthBytes: 2, allowed: 0...10, "v")
        #expect(vector.remaining == 2)
        #expect(try vector.readUInt16("v") == 0xaabb)
        #expect(throws: ParseError.self) { try vector.readUInt8("v") }
        #expect(try cursor.readUInt8("next") == 0xcc)
    }

    @Test func vectorLengthOutsideAllowedRangeThrows() {
        var cursor = ByteCursor([0x05, 1, 2, 3, 4, 5])
        #expect(throws: ParseError(kind: .lengthOutOfRange(length: 5, allowed: 0...4), field: "v", offset: 0)) {
            try cursor.readVector(lengthBytes: 1, allowed: 0...4, "v")
        }
        #expect(cursor.offset == 0)
    }

    @Test func lyingVectorLengthThrowsTruncated() {
        var cursor = ByteCursor([0x00, 0x09, 1, 2])
        #expect(throws: ParseError(kind: .truncated(needed: 9, available: 2), field: "v", offset: 2)) {
            try cursor.readVector(lengthBytes: 2, allowed: 0...0xffff, "v")
        }
    }

    /// What is read inside a vector: its first `count` bytes one by one, then its length left.
    private static func readInside(_ vector: inout ByteCursor, _ count: Int) throws(ParseError) -> [Int] {
        var read: [Int] = []
        for _ in 0..<count { read.append(Int(try vector.readUInt8("inner"))) }
        read.append(vector.remaining)
        return read
    }

    /// Through the cursor narrowed to a vector (`withVector`), the same bytes, errors and
    /// offsets as through a sub-cursor (`readVector`), then the cursor stands past the
    /// vector with its own end (the byte after it is read): for vectors that fit, lie
    /// about their length or fall outside the allowed range, and reads that stop short of
    /// the vector's end, reach it, or run past it.
    @Test func narrowedVectorsReadAsSubCursorsDo() {
        let wires: [[UInt8]] = [[3, 10, 11, 12, 99], [0, 99], [5, 10, 11], [9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 99], []]
        for wire in wires {
            for count in 0...5 {
                for lengthBytes in [1, 2] {
                    let bytes = lengthBytes == 2 ? [0] + wire : wire
                    var viaSub = ByteCursor(bytes)
                    var narrowed = ByteCursor(bytes)
                    let expected = Result { () throws(ParseError) -> [Int] in
                        var vector = try viaSub.readVector(lengthBytes: lengthBytes, allowed: 0...8, "v")
                        return try Self.readInside(&vector, count)
                    }
                    let got = Result { () throws(ParseError) -> [Int] in
                        try narrowed.withVector(lengthBytes: lengthBytes, allowed: 0...8, "v") {
                            (vector) throws(ParseError) in
                            try Self.readInside(&vector, count)
                        }
                    }
                    let label = "\(bytes), \(count) read"
                    switch (expected, got) {
                    case (.success(let want), .success(let have)): #expect(want == have, "\(label)")
                    case (.failure(let want), .failure(let have)): #expect(want == have, "\(label)")
                    default: Issue.record("\(label): \(expected) against \(got)")
                    }
                    #expect(narrowed.offset == viaSub.offset && narrowed.remaining == viaSub.remaining, "\(label)")
                    #expect((try? narrowed.readUInt8("next")) == (try? viaSub.readUInt8("next")), "\(label)")
                }
            }
        }
    }

    /// Vectors inside vectors: each narrowing ends where its vector does, and a skipped
    /// vector is checked as a read one (a lying length consumes nothing).
    @Test func narrowedVectorsNest() throws {
        var cursor = ByteCursor([5, 2, 0xaa, 0xbb, 1, 0xcc, 0xdd])
        let inner = try cursor.withVector(lengthBytes: 1, allowed: 0...9, "outer") { (outer) throws(ParseError) in
            let first = try outer.withVector(lengthBytes: 1, allowed: 0...9, "a") { $0.readRemaining() }
            try outer.skipVector(lengthBytes: 1, allowed: 0...9, "b")
            return (first, outer.remaining)
        }
        #expect(inner.0 == [0xaa, 0xbb] && inner.1 == 0)
        #expect(try cursor.readUInt8("next") == 0xdd)
        var lying = ByteCursor([0x00, 0x09, 1, 2])
        #expect(throws: ParseError(kind: .truncated(needed: 9, available: 2), field: "v", offset: 2)) {
            try lying.skipVector(lengthBytes: 2, allowed: 0...0xffff, "v")
        }
        #expect(lying.offset == 0)
        #expect(throws: ParseError(kind: .lengthOutOfRange(length: 9, allowed: 0...4), field: "v", offset: 0)) {
            try lying.withVector(lengthBytes: 2, allowed: 0...4, "v") { _ in }
        }
        #expect(lying.offset == 0 && lying.remaining == 4)
    }

    @Test func expectEndReportsTrailingBytes() {
        let cursor = ByteCursor([1, 2, 3])
        #expect(throws: ParseError(kind: .trailingBytes(count: 3), field: "s", offset: 0)) { try cursor.expectEnd("s") }
    }

    /// The bytes left are read only when they are exactly the bytes given.
    @Test func remainingBytesAreReadOnlyWhenEqual() {
        var cursor = ByteCursor(storage: [9, 0x68, 0x32, 7], start: 1, end: 3)
        let shorter = cursor.readRemaining(ifEqualTo: [0x68])
        let longer = cursor.readRemaining(ifEqualTo: [0x68, 0x32, 7])
        let other = cursor.readRemaining(ifEqualTo: [0x68, 0x33])
        #expect(!shorter && !longer && !other)
        #expect(cursor.remaining == 2)
        let equal = cursor.readRemaining(ifEqualTo: [0x68, 0x32])
        #expect(equal)
        #expect(cursor.isAtEnd)
    }

    /// Byte strings of 0 to 75 bytes (steps of 32, whole words of eight and the bytes after
    /// them) inside a larger buffer: equal ones are read, and a change of any byte, or one
    /// byte more or less, is not; the hash of the bytes left reads nothing and tells equal
    /// bytes alike, and with `tail` it is the hash of the last bytes alone.
    @Test func remainingBytesAreComparedWhateverTheirLength() {
        for length in 0...75 {
            let wire = (0..<length).map { UInt8(truncatingIfNeeded: 0x41 + $0) }
            var cursor = ByteCursor(storage: [0xAA, 0xBB] + wire + [0xCC], start: 2, end: 2 + length)
            for place in wire.indices {
                var changed = wire
                changed[place] ^= 0x20
                let read = cursor.readRemaining(ifEqualTo: changed)
                #expect(!read, "\(length) bytes, byte \(place)")
            }
            let longer = cursor.readRemaining(ifEqualTo: wire + [0xCC])
            let shorter = length > 0 && cursor.readRemaining(ifEqualTo: Array(wire.dropLast()))
            #expect(!longer && !shorter)
            #expect(cursor.remainingHash() == ByteCursor(wire).remainingHash() && cursor.remaining == length)
            #expect(cursor.remainingHash(tail: 8) == ByteCursor(Array(wire.suffix(8))).remainingHash())
            #expect(cursor.remainingHash(tail: 100) == cursor.remainingHash())
            let equal = cursor.readRemaining(ifEqualTo: wire)
            #expect(equal && cursor.isAtEnd)
        }
    }

    /// A cursor over a whole array is equal to that array; over part of it, to that part only.
    @Test func anArrayEqualsACursorOverItself() {
        let bytes = (0..<40).map { UInt8($0) }
        var whole = ByteCursor(bytes)
        let same = whole.readRemaining(ifEqualTo: bytes)
        #expect(same && whole.isAtEnd)
        var part = ByteCursor(storage: bytes, start: 0, end: 39)
        let longer = part.readRemaining(ifEqualTo: bytes)
        let shorter = part.readRemaining(ifEqualTo: Array(bytes.dropLast()))
        #expect(!longer && shorter)
    }

    /// The bytes left are read only when they are exactly the 16-bit values given.
    @Test func remainingValuesAreReadOnlyWhenEqual() {
        var cursor = ByteCursor(storage: [9, 0x13, 0x01, 0xc0, 0x2f, 7], start: 1, end: 5)
        let values: [UInt16] = [0x1301, 0xc02f]
        let shorter = cursor.readRemaining(ifEqualTo: [UInt16(0x1301)]) { $0 }
        let longer = cursor.readRemaining(ifEqualTo: values + [0x0700]) { $0 }
        let otherLow = cursor.readRemaining(ifEqualTo: [UInt16(0x1301), 0xc030]) { $0 }
        let otherHigh = cursor.readRemaining(ifEqualTo: [UInt16(0x1301), 0xc12f]) { $0 }
        #expect(!shorter && !longer && !otherLow && !otherHigh)
        #expect(cursor.remaining == 4)
        let equal = cursor.readRemaining(ifEqualTo: values) { $0 }
        #expect(equal)
        #expect(cursor.isAtEnd)
        var odd = ByteCursor([0x13, 0x01, 0xc0])
        let none = odd.readRemaining(ifEqualTo: [UInt16(0x1301)]) { $0 }
        #expect(!none && odd.remaining == 3)
    }

    /// Lists of 0 to 13 values (whole words of four and the values after them), inside a
    /// larger buffer: equal ones are read, and a change in either byte of any value, or one
    /// value more or less, is not.
    @Test func remainingValuesAreComparedWhateverTheListsLength() {
        for length in 0...13 {
            let values = (0..<length).map { UInt16(0x1301 &+ 0x0101 &* $0) }
            let wire = values.flatMap { [UInt8($0 >> 8), UInt8(truncatingIfNeeded: $0)] }
            let storage: [UInt8] = [0xAA, 0xBB, 0xCC] + wire + [0xDD]
            var cursor = ByteCursor(storage: storage, start: 3, end: 3 + wire.count)
            for place in 0..<wire.count {
                for flip: UInt8 in [0x01, 0x80] {
                    var changed = values
                    let value = place / 2
                    changed[value] ^= place % 2 == 0 ? UInt16(flip) << 8 : UInt16(flip)
                    #expect(!cursor.readRemaining(ifEqualTo: changed) { $0 }, "\(length) values, byte \(place)")
                }
            }
            #expect(!cursor.readRemaining(ifEqualTo: values + [0x1301]) { $0 })
            if length > 0 { #expect(!cursor.readRemaining(ifEqualTo: Array(values.dropLast())) { $0 }) }
            #expect(cursor.remaining == wire.count)
            #expect(cursor.readRemaining(ifEqualTo: values) { $0 })
            #expect(cursor.isAtEnd)
        }
    }

    @Test func uint16ListRejectsAnOddByte() {
        var cursor = ByteCursor([0, 1, 2])
        #expect(throws: ParseError.self) { try cursor.readUInt16List("l") }
    }

    @Test func errorsReadLikeEvidence() {
        let error = ParseError(kind: .truncated(needed: 2, available: 1), field: "cipher_suites", offset: 40)
        #expect(error.description == "cut short in cipher_suites at offset 40 (needed 2 bytes, 1 left)")
        let one = ParseError(kind: .truncated(needed: 1, available: 0), field: "compression", offset: 41)
        #expect(one.description == "cut short in compression at offset 41 (needed 1 byte, 0 left)")
        let trailing = ParseError(kind: .trailingBytes(count: 1), field: "cipher_suites", offset: 169)
        #expect(trailing.description == "1 unexpected byte after cipher_suites at offset 169")
        let more = ParseError(kind: .trailingBytes(count: 3), field: "extensions", offset: 200)
        #expect(more.description == "3 unexpected bytes after extensions at offset 200")
    }
}
