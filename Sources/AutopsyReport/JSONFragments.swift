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

        init(_ entry: ClientHelloRecord) {
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
    }

    /// Renderings kept; the cache starts over when full.
    public let capacity: Int
    private var hellos: [HelloLists: [UInt8]] = [:]
    /// Certificate objects by the certificate's SHA-256 (the summary is made from the DER
    /// alone, so one fingerprint always renders the same).
    private var certificates: [String: [UInt8]] = [:]
    private var writer = JSONWriter()
    /// The writer of whole records, reused record after record.
    private var recordWriter = JSONWriter()

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
        let key = HelloLists(entry)
        if let known = hellos[key] { return known }
        writer.removeAll()
        writer.beginObject()
        FlowJSON.helloLists(&writer, entry)
        let rendered = Array(writer.exactCopy().dropFirst())
        if hellos.count >= capacity { hellos.removeAll(keepingCapacity: true) }
        hellos[key] = rendered
        return rendered
    }

    /// A certificate's object, braces included.
    func certificate(_ summary: CertificateSummary) -> [UInt8] {
        if let known = certificates[summary.sha256] { return known }
        writer.removeAll()
        FlowJSON.certificate(&writer, summary)
        let rendered = writer.exactCopy()
        if certificates.count >= capacity { certificates.removeAll(keepingCapacity: true) }
        certificates[summary.sha256] = rendered
        return rendered
    }
}
