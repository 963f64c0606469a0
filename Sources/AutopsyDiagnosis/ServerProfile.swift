import AutopsyFlow
import AutopsyPackets
import AutopsyTLS

/// A server as clients name it: address, port and SNI.
public struct ServerKey: Sendable, Hashable, Comparable {
    /// The server's address.
    public var ip: IPAddress
    /// The server's port.
    public var port: UInt16
    /// The SNI clients sent (nil: none).
    public var serverName: String?

    /// The key of a flow's server.
    public init(_ record: FlowRecord) {
        ip = record.server.ip
        port = record.server.port
        serverName = record.serverName
    }

    /// Orders by address, port, then name (deterministic output).
    public static func < (lhs: ServerKey, rhs: ServerKey) -> Bool {
        (lhs.ip, lhs.port, lhs.serverName ?? "") < (rhs.ip, rhs.port, rhs.serverName ?? "")
    }

    /// "10.0.0.2:443".
    public var address: String { ServerAddress(ip: ip, port: port).text }
}

/// A server by address and port alone (20 bytes: keys of tables with thousands of servers).
struct ServerAddress: Hashable, Comparable {
    var ip: IPAddress
    var port: UInt16

    init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// The server of a flow.
    init(_ record: FlowRecord) { self.init(ip: record.server.ip, port: record.server.port) }

    static func < (lhs: ServerAddress, rhs: ServerAddress) -> Bool { (lhs.ip, lhs.port) < (rhs.ip, rhs.port) }

    /// "10.0.0.2:443", "[2001:db8::1]:443".
    var text: String { ip.isIPv6 ? "[\(ip)]:\(port)" : "\(ip):\(port)" }
}

/// A few distinct values in the order they were first seen: what a set holds, in the room
/// of two values kept inline (a server chooses a handful of versions, suites and groups,
/// most often one, so most sets allocate nothing), and iterated in a fixed order, so that
/// the first one named is the same in every run.
public struct SmallSet<Element: Hashable & Sendable>: Collection, Sendable {
    // Filled in order: `second` only after `first`, `rest` only after both.
    private var first: Element?
    private var second: Element?
    private var rest: [Element] = []

    /// An empty set.
    public init() {}

    /// The first position.
    public var startIndex: Int { 0 }
    /// Past the last position.
    public var endIndex: Int { second == nil ? (first == nil ? 0 : 1) : 2 + rest.count }
    /// The value at a position.
    public subscript(position: Int) -> Element {
        if position == 0, let first { return first }
        if position == 1, let second { return second }
        return rest[position - 2]
    }
    /// The position after one.
    public func index(after index: Int) -> Int { index + 1 }

    /// Whether the set holds `element`.
    public func contains(_ element: Element) -> Bool {
        first == element || second == element || rest.contains(element)
    }

    /// Adds `element` unless it is there already.
    public mutating func insert(_ element: Element) {
        if first == nil {
            first = element
        } else if !contains(element) {
            if second == nil { second = element } else { rest.append(element) }
        }
    }

    /// Whether no value is in both this set and `other`.
    public func isDisjoint<S: Sequence>(with other: S) -> Bool where S.Element == Element {
        !other.contains { contains($0) }
    }
}

/// Values by key, kept in an array beside a small index: a dictionary's empty buckets
/// then cost the index's few bytes each, not a whole value's.
struct KeyedValues<Key: Hashable, Value> {
    private var index: [Key: Int] = [:]
    private var values: [Value] = []

    /// Keys held.
    var count: Int { values.count }

    subscript(key: Key) -> Value? {
        guard let position = index[key], position < values.count else { return nil }
        return values[position]
    }

    /// Updates the value of `key`, starting from `initial` when new (and fewer than
    /// `capacity` are held; else nothing is added). Returns whether a value was updated.
    @discardableResult
    mutating func update(
        _ key: Key, capacity: Int, initial: @autoclosure () -> Value, _ body: (inout Value) -> Void
    ) -> Bool {
        if let position = index[key], position < values.count {
            body(&values[position])
            return true
        }
        guard values.count < capacity else { return false }
        var value = initial()
        body(&value)
        index[key] = values.count
        values.append(value)
        return true
    }
}

/// What a server accepted in the handshakes that succeeded: learned from the capture.
public struct ServerProfile: Sendable {
    /// Successful handshakes seen.
    public var successes = 0
    /// Versions it negotiated.
    public var versions = SmallSet<ProtocolVersion>()
    /// Suites it chose.
    public var suites = SmallSet<CipherSuite>()
    /// Groups it used.
    public var groups = SmallSet<NamedGroup>()
    /// ALPN protocols it selected.
    public var alpn = SmallSet<String>()
    /// Successes whose ClientHello carried SNI, and those without.
    public var successesWithSNI = 0
    /// Successes without SNI.
    public var successesWithoutSNI = 0
    /// Names asked for in successful flows.
    public var names = SmallSet<String>()

    /// Names kept per profile (the rules list a few).
    public static let maxNames = 16

    /// An empty profile.
    public init() {}

    mutating func learn(_ record: FlowRecord, name: String?) {
        successes += 1
        if let version = record.version { versions.insert(version) }
        if let suite = record.cipher { suites.insert(suite) }
        if let group = record.curve { groups.insert(group) }
        if let protocolName = record.nextProtocol { alpn.insert(protocolName) }
        if let name {
            successesWithSNI += 1
            if names.count < Self.maxNames { names.insert(name) }
        } else {
            successesWithoutSNI += 1
        }
    }

    /// The versions as sorted text.
    var versionNames: [String] {
        versions.sorted { ($0.ordinal ?? 0) < ($1.ordinal ?? 0) }.map(\.description)
    }
}

/// What the capture taught about each server so far: profiles by (address, port, SNI)
/// and by (address, port) alone.
public final class DiagnosisContext {
    private var profiles = KeyedValues<ServerKey, ServerProfile>()
    private var byAddress = KeyedValues<ServerAddress, ServerProfile>()

    /// Servers (address, port and SNI) learned at most.
    public static let maxProfiles = 4_096
    /// Server addresses and ports learned at most.
    public static let maxAddresses = 16_384

    /// An empty context.
    public init() {}

    /// Per name (SNI, else server address): the issuers of the leaves seen, and whether
    /// each chain was trusted.
    private var issuers: [String: [String: (flows: Int, trusted: Bool)]] = [:]
    /// Leaf certificates (SHA-256) that some client accepted.
    private var acceptedLeaves: Set<String> = []
    /// Subjects of every certificate sent in any chain, for "another flow sent the missing intermediate".
    private var subjectsSent: Set<String> = []
    /// The subjects and leaves put in the sets above last, tried first: a chain recurs
    /// across flows as the same summaries (kept by DER), so most are found here by the
    /// identity of their text, without hashing it and comparing it byte by byte in the set.
    private var recentSubjects = RecentEntries<String, Void>(capacity: 8)
    private var recentLeaves = RecentEntries<String, Void>(capacity: 4)
    /// One copy of each server name kept (each flow's record has its own): the profiles of
    /// thousands of servers hold a few names each, mostly the same ones.
    private var names: [String: String] = [:]
    /// Distinct names shared at most; later ones are kept as each flow has them.
    static let maxSharedNames = 65_536

    private func shared(_ name: String) -> String {
        if let known = names[name] { return known }
        if names.count < Self.maxSharedNames { names[name] = name }
        return name
    }

    /// Learns from a finished flow: only successful handshakes teach what a server accepts;
    /// every chain teaches which issuers sign a name's certificates.
    public func learn(_ record: FlowRecord) {
        let serverName = record.serverName.map(shared)
        if let leaf = record.certificateSummaries.first, leaf.parseError == nil {
            let name = serverName ?? record.server.ip.description
            let trusted = record.chainAssessment?.trusted ?? false
            // Each table looked up once, and changed where it lies.
            if let index = issuers.index(forKey: name) {
                Self.count(leaf.issuer, trusted: trusted, in: &issuers.values[index])
            } else if issuers.count < Self.maxAddresses {
                issuers[name] = [leaf.issuer: (1, trusted)]
            }
            if subjectsSent.count < 10_000 {
                // Each subject read where it lies, not through a copy of its whole summary.
                let summaries = record.certificateSummaries.span
                for index in summaries.indices {
                    Self.insert(summaries[index].subject, into: &subjectsSent, recent: &recentSubjects)
                }
            }
            if record.outcome == .established || record.outcome == .resumed, acceptedLeaves.count < 10_000 {
                Self.insert(leaf.sha256, into: &acceptedLeaves, recent: &recentLeaves)
            }
        }
        guard record.outcome == .established || record.outcome == .resumed else { return }
        // Bounded whatever the capture holds: past `maxProfiles` servers (by name) and
        // `maxAddresses` addresses, new ones are not learned (known ones still are).
        var key = ServerKey(record)
        key.serverName = serverName
        profiles.update(key, capacity: Self.maxProfiles, initial: ServerProfile()) {
            $0.learn(record, name: serverName)
        }
        byAddress.update(ServerAddress(record), capacity: Self.maxAddresses, initial: ServerProfile()) {
            $0.learn(record, name: serverName)
        }
    }

    /// What this flow's server (same address, port and SNI) accepted elsewhere, when it
    /// succeeded at least once; else what the same address and port accepted.
    public func profile(for record: FlowRecord) -> ServerProfile? {
        if let profile = profiles[ServerKey(record)], profile.successes > 0 { return profile }
        return addressProfile(for: record)
    }

    /// Other issuers seen for this flow's name, with their flow counts and trust.
    public func otherIssuers(for record: FlowRecord, than issuer: String) -> [(
        issuer: String, flows: Int, trusted: Bool
    )] {
        (issuers[Self.issuerName(of: record)] ?? [:]).filter { $0.key != issuer }.map {
            ($0.key, $0.value.flows, $0.value.trusted)
        }
        .sorted { $0.issuer < $1.issuer }
    }

    /// Puts `text` in `set` unless `recent` (the texts put there last) has it already.
    private static func insert(_ text: String, into set: inout Set<String>, recent: inout RecentEntries<String, Void>) {
        if recent.value(for: text) != nil { return }
        set.insert(text)
        recent.insert(text, ())
    }

    /// Whether a leaf for this flow's name came from another issuer than `issuer` in a chain
    /// that was trusted: `otherIssuers` reduced to its yes or no, without listing them.
    public func trustedOtherIssuer(for record: FlowRecord, than issuer: String) -> Bool {
        guard let table = issuers[Self.issuerName(of: record)] else { return false }
        return table.contains { $0.value.trusted && $0.key != issuer }
    }

    /// The name a flow's issuers are kept under: its SNI, else its server's address.
    private static func issuerName(of record: FlowRecord) -> String {
        record.serverName ?? record.server.ip.description
    }

    /// Counts one more flow of a name's leaf by `issuer`: at most 64 issuers per name.
    private static func count(
        _ issuer: String, trusted: Bool, in table: inout [String: (flows: Int, trusted: Bool)]
    ) {
        if let index = table.index(forKey: issuer) {
            table.values[index].flows += 1
            table.values[index].trusted = table.values[index].trusted || trusted
        } else if table.count < 64 {
            table[issuer] = (1, trusted)
        }
    }

    /// Whether some client accepted this leaf in another flow.
    public func leafAccepted(_ sha256: String) -> Bool { acceptedLeaves.contains(sha256) }

    /// Whether some flow sent a certificate with this subject.
    public func subjectSent(_ subject: String) -> Bool { subjectsSent.contains(subject) }

    /// What the same address and port accepted, whatever the SNI.
    public func addressProfile(for record: FlowRecord) -> ServerProfile? {
        guard let profile = byAddress[ServerAddress(record)], profile.successes > 0 else { return nil }
        return profile
    }
}
