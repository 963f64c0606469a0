import AutopsyTestSupport
import Testing

@testable import AutopsyTLS

/// A hello parsed through a `HelloListCache` reads exactly as one parsed alone; a list met
/// lately is the kept array itself; the cache stays bounded whatever it is fed.
@Suite struct HelloListCacheTests {
    /// Where an array's elements lie: two arrays at one place are one buffer.
    static func storage<T>(_ list: [T]?) -> UnsafeRawPointer? {
        list?.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    /// A ClientHello body offering `suites` and `groups`, the rest as `Wire.clientHelloBody`'s.
    static func body(suites: [Int], groups: [Int] = [0x2a2a, 0x001d, 0x0017]) -> [UInt8] {
        var extensions = Wire.ext(0x000a, Wire.vec16(groups.flatMap(Wire.u16)))
        extensions += Wire.ext(0x000d, Wire.vec16([0x0403, 0x0804, 0x0401].flatMap(Wire.u16)))
        extensions += Wire.ext(0x002b, Wire.vec8([0x0304, 0x0303].flatMap(Wire.u16)))
        return Wire.u16(0x0303) + [UInt8](repeating: 0x11, count: 32) + Wire.vec8([])
            + Wire.vec16(suites.flatMap(Wire.u16)) + Wire.vec8([0]) + Wire.vec16(extensions)
    }

    static func parse(_ body: [UInt8], _ lists: HelloListCache?) throws(ParseError) -> ClientHello {
        var hello = ClientHello(legacyVersion: ProtocolVersion(rawValue: 0), random: [], sessionID: [])
        try ClientHello.parse(ByteCursor(body), into: &hello, lists: lists)
        return hello
    }

    @Test func aSecondHelloHoldsTheFirstOnesLists() throws {
        let lists = HelloListCache()
        let first = try Self.parse(Wire.clientHelloBody(), lists)
        let second = try Self.parse(Wire.clientHelloBody(sni: "other.example.com"), lists)
        #expect(first == (try Self.parse(Wire.clientHelloBody(), nil)))
        #expect(second.extensions.serverName == "other.example.com")
        #expect(Self.storage(second.cipherSuites) == Self.storage(first.cipherSuites))
        #expect(Self.storage(second.extensions.supportedGroups) == Self.storage(first.extensions.supportedGroups))
        #expect(
            Self.storage(second.extensions.signatureAlgorithms)
                == Self.storage(first.extensions.signatureAlgorithms))
        #expect(Self.storage(second.extensions.supportedVersions) == Self.storage(first.extensions.supportedVersions))
        #expect(Self.storage(second.extensions.types) == Self.storage(first.extensions.types))
        #expect(lists.count == 5)
    }

    /// Extension types: hellos that send the same ones in the same order hold one kept
    /// list; another order is another list; each reads its own types whatever came between,
    /// and the list being read into is never one a hello holds. ServerHellos alike.
    @Test func helloExtensionTypesAreSharedInWireOrder() throws {
        let lists = HelloListCache()
        func hello(_ types: [Int]) throws -> ClientHello {
            let extensions = types.flatMap { Wire.ext($0, []) }
            let body =
                Wire.u16(0x0303) + [UInt8](repeating: 0x11, count: 32) + Wire.vec8([]) + Wire.vec16(Wire.u16(0x1301))
                + Wire.vec8([0]) + Wire.vec16(extensions)
            return try Self.parse(body, lists)
        }
        let first = try hello([0x0017, 0x0023, 0xff01])
        let other = try hello([0x0023, 0x0017, 0xff01])
        let again = try hello([0x0017, 0x0023, 0xff01])
        #expect(first.extensions.types.map(\.rawValue) == [0x0017, 0x0023, 0xff01])
        #expect(other.extensions.types.map(\.rawValue) == [0x0023, 0x0017, 0xff01])
        #expect(Self.storage(again.extensions.types) == Self.storage(first.extensions.types))
        #expect(Self.storage(other.extensions.types) != Self.storage(first.extensions.types))
        #expect(Self.storage(lists.typeScratch) != Self.storage(first.extensions.types))
        #expect(Self.storage(lists.typeScratch) != Self.storage(other.extensions.types))
        // A duplicate is still an anomaly, and no extensions at all an empty list.
        #expect(try hello([0x0017, 0x0017]).anomalies.contains { $0.kind == .duplicateExtension })
        #expect(try hello([]).extensions.types.isEmpty)
        // Bounded like the other kinds.
        for index in 0..<(HelloListCache.capacity * 2) { _ = try hello([0x0017, 0x0100 + index]) }
        #expect(lists.extensionTypes.count == HelloListCache.capacity)
        #expect(first.extensions.types.map(\.rawValue) == [0x0017, 0x0023, 0xff01])

        let serverExtensions = Wire.ext(0x002b, Wire.u16(0x0304)) + Wire.ext(0x0033, Wire.u16(0x001d) + Wire.vec16([1]))
        let server =
            Wire.u16(0x0303) + [UInt8](repeating: 0x44, count: 32) + Wire.vec8([]) + Wire.u16(0x1301) + Wire.u8(0)
            + Wire.vec16(serverExtensions)
        let serverFirst = try ServerHello.parse(ByteCursor(server), lists: lists)
        let serverAgain = try ServerHello.parse(ByteCursor(server), lists: lists)
        #expect(serverFirst == (try ServerHello.parse(server)))
        #expect(Self.storage(serverAgain.extensions.types) == Self.storage(serverFirst.extensions.types))
    }

    /// A stack that draws a new GREASE value per connection offers lists that differ in one
    /// value: each hello holds its own values, and each variant is kept.
    @Test func listsThatDifferInOneValueStayApart() throws {
        let lists = HelloListCache()
        let greases = [0x0a0a, 0x1a1a, 0x2a2a, 0x0a0a]
        let hellos = try greases.map { try Self.parse(Self.body(suites: [$0, 0x1301, 0x1302]), lists) }
        for (hello, grease) in zip(hellos, greases) {
            #expect(hello.cipherSuites.map(\.rawValue) == [UInt16(grease), 0x1301, 0x1302])
        }
        #expect(Self.storage(hellos[0].cipherSuites) != Self.storage(hellos[1].cipherSuites))
        #expect(Self.storage(hellos[3].cipherSuites) == Self.storage(hellos[0].cipherSuites))
        #expect(lists.cipherSuites.count == 3)
        // One value more or less is another list too.
        let longer = try Self.parse(Self.body(suites: [0x0a0a, 0x1301, 0x1302, 0x1303]), lists)
        let shorter = try Self.parse(Self.body(suites: [0x0a0a, 0x1301]), lists)
        #expect(longer.cipherSuites.map(\.rawValue) == [0x0a0a, 0x1301, 0x1302, 0x1303])
        #expect(shorter.cipherSuites.map(\.rawValue) == [0x0a0a, 0x1301])
    }

    /// More distinct lists than the cache keeps: the oldest give way, the count stays at
    /// `capacity`, and every hello still reads its own values.
    @Test func theCacheKeepsAtMostItsCapacityOfEachKind() throws {
        let lists = HelloListCache()
        for index in 0..<(HelloListCache.capacity * 3) {
            let body = Self.body(suites: [0x1301, 0x0100 + index], groups: [0x001d, 0x0200 + index])
            let hello = try Self.parse(body, lists)
            #expect(hello.cipherSuites.map(\.rawValue) == [0x1301, UInt16(0x0100 + index)])
            #expect(hello.extensions.supportedGroups?.map(\.rawValue) == [0x001d, UInt16(0x0200 + index)])
        }
        #expect(lists.cipherSuites.count == HelloListCache.capacity)
        #expect(lists.groups.count == HelloListCache.capacity)
        // The last one is still kept; the first gave way (a new array, read as sent).
        let last = HelloListCache.capacity * 3 - 1
        let again = try Self.parse(Self.body(suites: [0x1301, 0x0100 + last]), lists)
        let kept = try Self.parse(Self.body(suites: [0x1301, 0x0100 + last]), lists)
        #expect(Self.storage(again.cipherSuites) == Self.storage(kept.cipherSuites))
        #expect(lists.cipherSuites.count == HelloListCache.capacity)
    }

    /// A list longer than `longestKept` values, an empty one or an odd one is read (or
    /// refused) exactly as without the cache, and not kept.
    @Test func longEmptyAndOddListsAreNotKept() throws {
        let lists = HelloListCache()
        let long = Array(0..<(HelloListCache.longestKept + 1)).map { 0x0100 + $0 }
        let hello = try Self.parse(Self.body(suites: long, groups: []), lists)
        #expect(hello.cipherSuites.map { Int($0.rawValue) } == long)
        #expect(hello.extensions.supportedGroups == [])
        #expect(lists.cipherSuites.count == 0 && lists.groups.count == 0)
        let kept = RecentLists<NamedGroup>()
        var odd = ByteCursor([0x00, 0x1d, 0x00])
        #expect(throws: ParseError.self) { try kept.read(&odd, "supported_groups", NamedGroup.init(rawValue:)) }
        #expect(odd.remaining == 3 && kept.count == 0)
    }

    /// Every one-byte change of a hello, and every cut, parses through a shared cache
    /// exactly as alone (the same hello, or the same error), whatever was kept before.
    @Test func damagedHellosParseAsWithoutTheCache() throws {
        let lists = HelloListCache()
        let body = Wire.clientHelloBody()
        for index in body.indices {
            for value: UInt8 in [0x00, 0x01, 0xff, body[index] ^ 0x0a] {
                var changed = body
                changed[index] = value
                #expect(Self.outcome(changed, lists) == Self.outcome(changed, nil))
            }
            let cut = Array(body[..<index])
            #expect(Self.outcome(cut, lists) == Self.outcome(cut, nil))
        }
        #expect(lists.cipherSuites.count <= HelloListCache.capacity)
    }

    /// Where a string's bytes lie: two strings at one place are one buffer.
    static func storage(_ text: String?) -> UnsafeRawPointer? {
        text?.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    /// A server name met lately is the kept array and string; another name reads its own.
    @Test func aServerNameMetLatelyIsTheKeptOne() throws {
        let lists = HelloListCache()
        let first = try Self.parse(Wire.clientHelloBody(sni: "shop.example.com"), lists)
        let second = try Self.parse(Wire.clientHelloBody(sni: "shop.example.com"), lists)
        let other = try Self.parse(Wire.clientHelloBody(sni: "mail.example.com"), lists)
        #expect(second == (try Self.parse(Wire.clientHelloBody(sni: "shop.example.com"), nil)))
        #expect(second.extensions.serverName == "shop.example.com")
        #expect(Self.storage(second.extensions.serverNameBytes) == Self.storage(first.extensions.serverNameBytes))
        #expect(Self.storage(second.extensions.serverName) == Self.storage(first.extensions.serverName))
        #expect(other.extensions.serverName == "mail.example.com")
        #expect(Self.storage(other.extensions.serverName) != Self.storage(first.extensions.serverName))
        #expect(lists.names.count == 2)
    }

    /// Names that fall in one slot take it in turn, each hello reading its own; names that
    /// are not printable keep their bytes and no text; names too long to keep are read and
    /// not kept.
    @Test func namesThatShareASlotLongOnesAndOddOnesReadAsSent() throws {
        func slot(_ name: String) -> UInt64 {
            ByteCursor(Array(name.utf8)).remainingHash() & UInt64(RecentNames.slots - 1)
        }
        let first = "a0.example.com"
        var index = 1
        while slot("a\(index).example.com") != slot(first) { index += 1 }
        let second = "a\(index).example.com"
        let lists = HelloListCache()
        for name in [first, second, first, second, first] {
            let hello = try Self.parse(Wire.clientHelloBody(sni: name), lists)
            #expect(hello.extensions.serverName == name && hello.extensions.serverNameBytes == Array(name.utf8))
        }
        #expect(lists.names.count == 1)
        let long = String(repeating: "x", count: RecentNames.longestKept + 1)
        let hello = try Self.parse(Wire.clientHelloBody(sni: long), lists)
        #expect(hello.extensions.serverName == long && lists.names.count == 1)
        var odd = Wire.clientHelloBody(sni: "odd.example.com")
        let at = try #require(odd.firstIndex(of: UInt8(ascii: "o")))
        odd[at] = 0x07
        for _ in 0..<2 {
            let parsed = try Self.parse(odd, lists)
            #expect(parsed == (try Self.parse(odd, nil)))
            #expect(parsed.extensions.serverName == nil && parsed.extensions.serverNameBytes?.first == 0x07)
            #expect(parsed.anomalies.contains { $0.kind == .nonASCIIName })
        }
    }

    static func outcome(_ body: [UInt8], _ lists: HelloListCache?) -> Result<ClientHello, ParseError> {
        Result { () throws(ParseError) in try parse(body, lists) }
    }
}
