import AutopsyFlow
import AutopsyTLS
import AutopsyX509

/// Parts of flow lines rendered once and reused: the lists of a ClientHello (versions,
/// suites, extensions, groups, key shares, signature algorithms, ALPN) are the same in
/// every hello of one client stack, and a capture holds few stacks and many flows; so are
/// a server's certificates, flow after flow. One cache belongs to one rendering thread; it
/// keeps at most `capacity` renderings of each kind.
public final class JSONFragments {
    /// What `FlowJSON.helloLists` writes, and nothing else.
    struct HelloLists: Hashable {
        var recordVersion: ProtocolVersion
        var legacyVersion: ProtocolVersion
        var supportedVersions: [ProtocolVersion]?
        var cipherSuites: [CipherSuite]
        var types: [ExtensionType]
        var groups: [NamedGroup]?
        var keyShares: [NamedGroup]?
        var signatures: [SignatureScheme]?
        var alpn: [[UInt8]]?

        init(_ entry: borrowing ClientHelloRecord) {
            let ext = entry.hello.extensions
            recordVersion = entry.recordVersion
            legacyVersion = entry.hello.legacyVersion
            supportedVersions = ext.supportedVersions
            cipherSuites = entry.hello.cipherSuites
            types = ext.types
            groups = ext.supportedGroups
            keyShares = ext.keyShareGroups
            signatures = ext.signatureAlgorithms
            alpn = ext.alpn
        }

        /// Whether `entry` has these lists (`HelloLists(entry) == self`, without building them).
        func matches(_ entry: borrowing ClientHelloRecord) -> Bool {
            recordVersion == entry.recordVersion && legacyVersion == entry.hello.legacyVersion
                && supportedVersions == entry.hello.extensions.supportedVersions
                && cipherSuites == entry.hello.cipherSuites && types == entry.hello.extensions.types
                && groups == entry.hello.extensions.supportedGroups
                && keyShares == entry.hello.extensions.keyShareGroups
                && signatures == entry.hello.extensions.signatureAlgorithms && alpn == entry.hello.extensions.alpn
        }

        /// The lists as memory (`combine(contentsOf:)`), not element by element.
        func hash(into hasher: inout Hasher) {
            hasher.combine(UInt32(recordVersion.rawValue) << 16 | UInt32(legacyVersion.rawValue))
            hasher.combine(contentsOf: supportedVersions)
            hasher.combine(contentsOf: cipherSuites)
            hasher.combine(contentsOf: types)
            hasher.combine(contentsOf: groups)
            hasher.combine(contentsOf: keyShares)
            hasher.combine(contentsOf: signatures)
            hasher.combine(alpn)
        }
    }

    /// What `FlowJSON.serverHelloMembers` writes, and nothing else.
    struct ServerHelloShape: Hashable {
        var version: ProtocolVersion
        var cipherName: String?
        var cipherCode: Int?
        var types: [ExtensionType]
        var keyShare: NamedGroup?
        var alpn: [UInt8]?
        var isRetry: Bool
        var ja3s: String?

        init(_ entry: borrowing ServerHelloRecord, cipherName: String?, cipherCode: Int?) {
            version = entry.hello.selectedVersion
            self.cipherName = cipherName
            self.cipherCode = cipherCode
            types = entry.hello.extensions.types
            keyShare = entry.hello.keyShareGroup
            alpn = entry.hello.extensions.alpn?.first
            isRetry = entry.hello.isHelloRetryRequest
            ja3s = entry.ja3s
        }

        /// Whether `entry` has this shape (`ServerHelloShape(entry, …) == self`, without building it).
        func matches(_ entry: borrowing ServerHelloRecord, cipherName: String?, cipherCode: Int?) -> Bool {
            self.cipherCode == cipherCode && version == entry.hello.selectedVersion
                && isRetry == entry.hello.isHelloRetryRequest && types == entry.hello.extensions.types
                && keyShare == entry.hello.keyShareGroup && alpn == entry.hello.extensions.alpn?.first
                && self.cipherName == cipherName && ja3s == entry.ja3s
        }
    }

    /// Renderings kept; the cache starts over when full.
    public let capacity: Int
    private var hellos: [HelloLists: [UInt8]] = [:]
    /// The hello lists rendered last, tried before `hellos`.
    private var recentHellos = RecentEntries<HelloLists, [UInt8]>()
    private var serverHellos: [ServerHelloShape: [UInt8]] = [:]
    /// The ServerHello members rendered last, tried before `serverHellos`.
    private var recentServerHellos = RecentEntries<ServerHelloShape, [UInt8]>()
    /// Certificate objects by the certificate's SHA-256 (the summary is made from the DER
    /// alone, so one fingerprint always renders the same).
    private var certificates: [String: [UInt8]] = [:]
    /// The certificates rendered last, by fingerprint, tried before `certificates`: a chain's
    /// fingerprints are compared (the same text, mostly the same storage) instead of hashed.
    private var recentCertificates = RecentEntries<String, [UInt8]>()
    /// Chain-check findings, by the findings.
    private var findings: [[CertificateFinding]: [UInt8]] = [:]
    private var writer = JSONWriter()
    /// The writer of whole records, reused record after record. It notes the parts kept
    /// here instead of copying them: they stay shared by every line that has them.
    private var recordWriter = JSONWriter(notingSharedRuns: true)

    /// An empty cache.
    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// A record's line but for its id and diagnoses (`FlowRecord.renderedJSON`), rendered
    /// with this cache's writer and parts.
    public func render(_ record: FlowRecord) -> RenderedJSON {
        FlowJSON.render(record, into: &recordWriter, fragments: self)
    }

    /// The members `"record_version":…,"alpn":[…]` of a ClientHello, without braces.
    func lists(of entry: ClientHelloRecord) -> [UInt8] {
        if let recent = recentHellos.value(matching: entry, { $0.matches($1) }) { return recent }
        let key = HelloLists(entry)
        let rendered = Self.kept(&hellos, key, capacity, &writer, members: true) { FlowJSON.helloLists(&$0, entry) }
        recentHellos.insert(key, rendered)
        return rendered
    }

    /// The members `"version":…,"cipher_suite_code":…` of a ServerHello (or
    /// HelloRetryRequest) with the cipher given, without braces.
    func serverHello(_ entry: borrowing ServerHelloRecord, cipherName: String?, cipherCode: Int?) -> [UInt8] {
        if let recent = recentServerHellos.value(where: {
            $0.matches(entry, cipherName: cipherName, cipherCode: cipherCode)
        }) {
            return recent
        }
        let key = ServerHelloShape(entry, cipherName: cipherName, cipherCode: cipherCode)
        let rendered = Self.kept(&serverHellos, key, capacity, &writer, members: true) {
            FlowJSON.serverHelloMembers(&$0, entry, cipherName: cipherName, cipherCode: cipherCode)
        }
        recentServerHellos.insert(key, rendered)
        return rendered
    }

    /// The member `"findings":[…]` of a chain check, without braces.
    func findings(_ list: [CertificateFinding]) -> [UInt8] {
        Self.kept(&findings, list, capacity, &writer, members: true) { FlowJSON.findings(&$0, list) }
    }

    /// A certificate's object, braces included.
    func certificate(_ summary: borrowing CertificateSummary) -> [UInt8] {
        // Looked up before the closure that renders a new one: capturing the summary copied it.
        if let recent = recentCertificates.value(where: { $0 == summary.sha256 }) { return recent }
        let rendered: [UInt8]
        if let known = certificates[summary.sha256] {
            rendered = known
        } else {
            let fresh = copy summary
            rendered = Self.kept(&certificates, fresh.sha256, capacity, &writer, members: false) {
                FlowJSON.certificate(&$0, fresh)
            }
        }
        recentCertificates.insert(summary.sha256, rendered)
        return rendered
    }

    /// The rendering kept under `key`, or `render`'s, then kept: members (written in an
    /// object, returned without its brace) or a whole value.
    private static func kept<Key: Hashable>(
        _ kept: inout [Key: [UInt8]], _ key: Key, _ capacity: Int, _ writer: inout JSONWriter, members: Bool,
        _ render: (inout JSONWriter) -> Void
    ) -> [UInt8] {
        if let known = kept[key] { return known }
        writer.removeAll()
        if members { writer.beginObject() }
        render(&writer)
        let rendered = members ? Array(writer.bytes.dropFirst()) : writer.bytes
        if kept.count >= capacity { kept.removeAll(keepingCapacity: true) }
        kept[key] = rendered
        return rendered
    }
}
