import AutopsyTLS

/// JA3, JA3S and JA4 of the hello shapes seen lately. A capture holds few client and server
/// stacks and many flows from each: the fingerprints depend only on the lists a hello offers
/// (not on its random, session id or name), so each shape is fingerprinted once. One cache
/// belongs to one analyzer (one thread); it holds at most `capacity` shapes of each side.
public final class FingerprintCache {
    /// What JA3 and JA4 read from a ClientHello, and nothing else.
    struct ClientShape: Hashable {
        var legacyVersion: ProtocolVersion
        var isSSLv2Compatible: Bool
        var sslv2CipherSpecs: [UInt32]
        var cipherSuites: [CipherSuite]
        var types: [ExtensionType]
        var groups: [NamedGroup]?
        var pointFormats: [UInt8]?
        var signatures: [SignatureScheme]?
        var versions: [ProtocolVersion]?
        var firstALPN: [UInt8]?

        init(_ hello: borrowing ClientHello) {
            legacyVersion = hello.legacyVersion
            isSSLv2Compatible = hello.isSSLv2Compatible
            sslv2CipherSpecs = hello.sslv2CipherSpecs
            cipherSuites = hello.cipherSuites
            types = hello.extensions.types
            groups = hello.extensions.supportedGroups
            pointFormats = hello.extensions.ecPointFormats
            signatures = hello.extensions.signatureAlgorithms
            versions = hello.extensions.supportedVersions
            firstALPN = hello.extensions.alpn?.first
        }

        /// Whether `hello` has this shape (`ClientShape(hello) == self`, without building it).
        func matches(_ hello: borrowing ClientHello) -> Bool {
            legacyVersion == hello.legacyVersion && isSSLv2Compatible == hello.isSSLv2Compatible
                && sslv2CipherSpecs == hello.sslv2CipherSpecs && cipherSuites == hello.cipherSuites
                && types == hello.extensions.types && groups == hello.extensions.supportedGroups
                && pointFormats == hello.extensions.ecPointFormats
                && signatures == hello.extensions.signatureAlgorithms
                && versions == hello.extensions.supportedVersions && firstALPN == hello.extensions.alpn?.first
        }

        /// The lists as memory (`combine(contentsOf:)`), not element by element.
        func hash(into hasher: inout Hasher) {
            hasher.combine(legacyVersion.rawValue)
            hasher.combine(isSSLv2Compatible)
            hasher.combine(sslv2CipherSpecs)
            hasher.combine(contentsOf: cipherSuites)
            hasher.combine(contentsOf: types)
            hasher.combine(contentsOf: groups)
            hasher.combine(pointFormats)
            hasher.combine(contentsOf: signatures)
            hasher.combine(contentsOf: versions)
            hasher.combine(firstALPN)
        }
    }

    /// What JA3S reads from a ServerHello.
    struct ServerShape: Hashable {
        var legacyVersion: ProtocolVersion
        var isSSLv2: Bool
        var cipher: UInt32
        var types: [ExtensionType]

        init(_ hello: borrowing ServerHello) {
            legacyVersion = hello.legacyVersion
            isSSLv2 = hello.isSSLv2
            cipher = hello.isSSLv2 ? (hello.sslv2CipherKind ?? 0) : UInt32(hello.cipherSuite.rawValue)
            types = hello.extensions.types
        }
    }

    /// A client's fingerprints.
    public struct Client: Sendable, Hashable {
        /// JA3 input string.
        public var ja3String: String
        /// JA3 (MD5 hex).
        public var ja3: String
        /// JA4.
        public var ja4: String
    }

    /// A server's fingerprints.
    public struct Server: Sendable, Hashable {
        /// JA3S input string.
        public var ja3sString: String
        /// JA3S (MD5 hex).
        public var ja3s: String
    }

    /// Shapes kept per side; the cache starts over when full.
    public let capacity: Int
    /// The hello lists themselves, kept for the hellos parsed on this cache's thread: a
    /// hello offering a list met lately holds the same array, so the shapes here (and the
    /// rendered lists and pattern values keyed on them) compare by identity.
    public let lists = HelloListCache()
    /// Where the record bodies that arrive whole in one chunk are handed out
    /// (`RecordDeframer.feed(_:scratch:_:)`), by every session of this cache's thread: one
    /// array's storage reused record after record, warm in the caches, instead of an array
    /// of its own per record.
    public var recordScratch: [UInt8] = []
    private var clients: [ClientShape: Client] = [:]
    private var servers: [ServerShape: Server] = [:]
    /// The shapes met last, tried before the tables.
    private var recentClients = RecentEntries<ClientShape, Client>()
    private var recentServers = RecentEntries<ServerShape, Server>()

    /// An empty cache.
    public init(capacity: Int = 1_024) {
        self.capacity = max(1, capacity)
    }

    /// The fingerprints of a ClientHello, computed once per shape.
    public func client(_ hello: borrowing ClientHello) -> Client {
        if let recent = recentClients.value(matching: hello, { $0.matches($1) }) { return recent }
        let shape = ClientShape(hello)
        if let known = clients[shape] {
            recentClients.insert(shape, known)
            return known
        }
        let ja3String = JA3.string(hello)
        let computed = Client(ja3String: ja3String, ja3: JA3.md5Hex(ja3String), ja4: JA4.fingerprint(hello))
        if clients.count >= capacity { clients.removeAll(keepingCapacity: true) }
        clients[shape] = computed
        recentClients.insert(shape, computed)
        return computed
    }

    /// The fingerprints of a ServerHello or HelloRetryRequest, computed once per shape.
    public func server(_ hello: ServerHello) -> Server {
        let shape = ServerShape(hello)
        if let recent = recentServers.value(for: shape) { return recent }
        if let known = servers[shape] {
            recentServers.insert(shape, known)
            return known
        }
        let string = JA3.serverString(hello)
        let computed = Server(ja3sString: string, ja3s: JA3.md5Hex(string))
        if servers.count >= capacity { servers.removeAll(keepingCapacity: true) }
        servers[shape] = computed
        recentServers.insert(shape, computed)
        return computed
    }
}
