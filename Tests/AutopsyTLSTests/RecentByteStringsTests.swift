import Testing

@testable import AutopsyTLS

/// The table both `RecentNames` and `RecentCertificates` are made of: a string of
/// `longestKept` bytes is kept and found again; one byte longer, it is read whole and made
/// each time, and nothing is kept; a read that comes up short leaves no bytes unread.
@Suite struct RecentByteStringsTests {
    @Test func theLongestKeptIsKeptAndOneByteMoreIsNot() {
        var table = RecentByteStrings<Int>(slots: 8, longestKept: 16, hashedTail: 4)
        var made = 0
        func length(_ bytes: [UInt8]) -> Int {
            made += 1
            return bytes.count
        }
        let longest = (0..<16).map { UInt8($0) }
        var cursor = ByteCursor(longest)
        let first = table.read(&cursor, length)
        #expect(first.bytes == longest && first.made == 16 && cursor.remaining == 0)
        cursor = ByteCursor(longest)
        let again = table.read(&cursor, length)
        #expect(again.bytes == longest && cursor.remaining == 0)
        #expect(made == 1, "a kept string is not made again")
        #expect(table.count == 1)

        let tooLong = (0..<17).map { UInt8($0) }
        for _ in 0..<2 {
            cursor = ByteCursor(tooLong)
            let read = table.read(&cursor, length)
            #expect(read.bytes == tooLong && read.made == 17 && cursor.remaining == 0)
        }
        #expect(made == 3, "a string too long to keep is made on every read")
        #expect(table.count == 1)
    }
}
