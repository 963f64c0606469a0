/// The lists of the hellos parsed lately (cipher suites, groups, signature algorithms,
/// versions), kept so that the next hello offering the same list gets the same array. A
/// capture holds few client stacks and many flows from each: a list parsed anew is an array
/// allocated, filled and later freed, then compared element by element by every cache keyed
/// on it (fingerprints, rendered JSON, patterns); a list found here is compared with the
/// wire bytes once, retained, and equal to the next one's at once (one buffer). One cache
/// belongs to one thread. It holds at most `capacity` lists of each kind, none longer than
/// `longestKept` values: at most 64 lists of 128 two-byte values (16 KB) whatever the traffic.
public final class HelloListCache {
    /// Lists kept of each kind. A stack that draws a new GREASE value per connection
    /// (Chrome's) offers up to 16 variants of one list.
    public static let capacity = 16
    /// Longer lists are parsed and not kept (stacks offer up to about 80 suites).
    public static let longestKept = 128

    let cipherSuites = RecentLists<CipherSuite>()
    let groups = RecentLists<NamedGroup>()
    let signatures = RecentLists<SignatureScheme>()
    let versions = RecentLists<ProtocolVersion>()
    /// A hello's extension types in wire order (a stack sends the same ones in the same order).
    let extensionTypes = RecentLists<ExtensionType>()
    let names = RecentNames()
    /// The certificates of the Certificate messages parsed on this thread.
    public let certificates = RecentCertificates()
    /// Where a hello's extension types are read before `extensionTypes` shares them: its
    /// room is kept from hello to hello.
    var typeScratch: [ExtensionType] = []

    /// An empty cache.
    public init() {}

    /// How many lists are kept, of all kinds.
    public var count: Int {
        cipherSuites.count + groups.count + signatures.count + versions.count + extensionTypes.count
    }

    /// The 16-bit values left in `cursor` (`readUInt16List`), through `kept` when there is a cache.
    static func read<Element>(
        _ cursor: inout ByteCursor, _ field: StaticString, _ kept: RecentLists<Element>?,
        _ make: (UInt16) -> Element
    ) throws(ParseError) -> [Element] {
        guard let kept else { return try cursor.readUInt16List(field, make) }
        return try kept.read(&cursor, field, make)
    }
}

/// The lists of one kind kept by a `HelloListCache`, replaced oldest first.
final class RecentLists<Element: RawRepresentable> where Element.RawValue == UInt16 {
    private var lists: [[Element]] = []
    /// The list replaced next once `lists` is full.
    private var next = 0

    /// The 16-bit values left in `cursor` (`readUInt16List`): the kept array when one has
    /// these values, else a new one, then kept. A list that does not parse throws as
    /// `readUInt16List` does.
    func read(_ cursor: inout ByteCursor, _ field: StaticString, _ make: (UInt16) -> Element) throws(ParseError)
        -> [Element]
    {
        let count = cursor.remaining / 2
        guard count > 0, count <= HelloListCache.longestKept, cursor.remaining % 2 == 0 else {
            return try cursor.readUInt16List(field, make)
        }
        for list in lists where list.count == count {
            if cursor.readRemaining(ifEqualTo: list, { $0.rawValue }) { return list }
        }
        let list = try cursor.readUInt16List(field, make)
        keep(list)
        return list
    }

    /// The kept list holding the values of `values` (compared by raw value), else a copy of
    /// them in an array of their own, kept: never `values`' own storage, which its owner
    /// reuses.
    func share(_ values: [Element]) -> [Element] {
        let count = values.count
        guard count > 0, count <= HelloListCache.longestKept else { return Self.copy(values) }
        for list in lists where list.count == count {
            if list.elementsEqual(values, by: { $0.rawValue == $1.rawValue }) { return list }
        }
        let list = Self.copy(values)
        keep(list)
        return list
    }

    private func keep(_ list: [Element]) {
        if lists.count < HelloListCache.capacity {
            lists.append(list)
        } else {
            lists[next] = list
            next = (next + 1) % HelloListCache.capacity
        }
    }

    /// `values` in new storage of their exact count.
    private static func copy(_ values: [Element]) -> [Element] {
        [Element](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            initialized = buffer.initialize(fromContentsOf: values)
        }
    }

    /// How many lists are kept.
    var count: Int { lists.count }
}

/// The server names (SNI) of the hellos parsed lately (a `RecentByteStrings`), one per slot
/// of a table indexed by a hash of the name's bytes (a newer name takes its slot). A capture
/// names thousands of servers, each in many flows: a name found here is compared with the
/// wire bytes once and needs no array and no string of its own, and every table keyed on it
/// later (server profiles, patterns, issuers) finds it equal to the name it holds at once
/// (one buffer) instead of byte by byte. At most `slots` names of at most `longestKept`
/// bytes, each in an array and a string of its own and a slot: about 1 MB for names of 30
/// bytes, at most about 2 MB whatever the traffic.
final class RecentNames {
    static let slots = 8_192
    /// Longer names (up to 65,535 bytes on the wire; host names seldom pass 40) are read
    /// and not kept.
    static let longestKept = 64

    /// A name's bytes and its text (`HelloExtensions.printableASCII`).
    typealias Name = (bytes: [UInt8], text: String?)

    private var kept = RecentByteStrings<String?>(slots: slots, longestKept: longestKept)

    /// The name's bytes (all of `cursor`'s bytes left, read as `readRemaining` reads them)
    /// and its text: the kept ones when this slot holds these bytes.
    func read(_ cursor: inout ByteCursor) -> Name {
        let name = kept.read(&cursor) { HelloExtensions.printableASCII($0) }
        return (name.bytes, name.made)
    }

    /// The name's bytes (all of `cursor`'s bytes left) and its text, read anew.
    static func unkept(_ cursor: inout ByteCursor) -> Name {
        let bytes = cursor.readRemaining()
        return (bytes, HelloExtensions.printableASCII(bytes))
    }

    /// How many names are kept.
    var count: Int { kept.count }
}
