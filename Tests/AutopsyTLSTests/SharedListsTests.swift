import AutopsyTestSupport
import Testing

@testable import AutopsyTLS

/// Lists most hellos hold alike are shared (`SharedLists`); a hello reads the same whether
/// its list is a shared one or its own.
@Suite struct SharedListsTests {
    static func clientHello(shares: [Int], alpn: [[UInt8]]) throws -> ClientHello {
        var extensions = Wire.ext(0x0010, Wire.vec16(alpn.flatMap(Wire.vec8)))
        extensions += Wire.ext(
            0x0033, Wire.vec16(shares.flatMap { Wire.u16($0) + Wire.vec16([UInt8](repeating: 0x33, count: 32)) }))
        let body =
            Wire.u16(0x0303) + [UInt8](repeating: 0x11, count: 32) + Wire.vec8([]) + Wire.vec16(Wire.u16(0x1301))
            + Wire.vec8([0]) + Wire.vec16(extensions)
        return try ClientHello.parse(body)
    }

    @Test(arguments: [[0x001d], [0x0017], [0x0018], [0x11ec], [0x0019], [0x2a2a], [0x001d, 0x0017], [0x0017, 0x001d]])
    func keySharesReadAsSent(_ shares: [Int]) throws {
        let hello = try Self.clientHello(shares: shares, alpn: [Array("h2".utf8)])
        #expect(hello.extensions.keyShareGroups?.map { Int($0.rawValue) } == shares)
    }

    @Test(arguments: ["h2", "http/1.1", "h3", "h2c", "http/1.0", "h", "http/1.11"])
    func alpnNamesReadAsSent(_ name: String) throws {
        let names = [Array(name.utf8), Array("h2".utf8), Array("http/1.1".utf8), Array(name.utf8)]
        let hello = try Self.clientHello(shares: [0x001d], alpn: names)
        #expect(hello.extensions.alpn == names)
    }

    @Test(arguments: [
        (0x0304, 0x001d), (0x0304, 0x0017), (0x0304, 0x0018), (0x0304, 0x11ec), (0x0303, 0x0019),
        (0x0302, 0x001d), (0x7f1c, 0x0100),
    ])
    func aServerHelloReadsItsVersionAndGroupAsSent(version: Int, group: Int) throws {
        var extensions = Wire.ext(0x002b, Wire.u16(version))
        extensions += Wire.ext(0x0033, Wire.u16(group) + Wire.vec16([UInt8](repeating: 0x55, count: 32)))
        let body =
            Wire.u16(0x0303) + [UInt8](repeating: 0x44, count: 32) + Wire.vec8([]) + Wire.u16(0x1301) + Wire.u8(0)
            + Wire.vec16(extensions)
        let hello = try ServerHello.parse(body)
        #expect(hello.extensions.supportedVersions?.map { Int($0.rawValue) } == [version])
        #expect(hello.extensions.keyShareGroups?.map { Int($0.rawValue) } == [group])
    }

    /// A list of one-byte values holds what `readRemaining` reads, shared or not.
    @Test(arguments: [[], [0], [1], [2], [0xff], [0, 1], [1, 0, 2], [0, 1, 2], [0, 1, 2, 3]] as [[UInt8]])
    func byteListsReadAsTheirBytes(_ list: [UInt8]) {
        // The list inside a longer buffer, after a byte that is not its own.
        var cursor = ByteCursor(storage: [9] + list + [7], start: 1, end: 1 + list.count)
        let read = SharedLists.bytes(&cursor)
        #expect(read == list)
        #expect(cursor.isAtEnd)
        // The common lists are the shared arrays themselves (no allocation of their own).
        for shared in [SharedLists.zero, SharedLists.one, SharedLists.zeroOneTwo] where shared == list {
            let same = read.withUnsafeBufferPointer { mine in
                shared.withUnsafeBufferPointer { $0.baseAddress == mine.baseAddress }
            }
            #expect(same)
        }
    }

    @Test func sharedListsHoldWhatTheyAreNamedFor() {
        #expect(SharedLists.zero == [0] && SharedLists.one == [1] && SharedLists.zeroOneTwo == [0, 1, 2])
        #expect(SharedLists.list(of: ProtocolVersion.tls13) == [.tls13])
        #expect(SharedLists.list(of: ProtocolVersion.tls12) == [.tls12])
        for group in [NamedGroup.x25519, .secp256r1, .secp384r1, .x25519MLKEM768, NamedGroup(rawValue: 0x0019)] {
            #expect(SharedLists.list(of: group) == [group])
        }
    }
}
