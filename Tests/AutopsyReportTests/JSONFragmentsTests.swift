import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import AutopsyTestSupport
import Foundation
import Testing

@testable import AutopsyReport
@testable import AutopsyX509

/// The hello lists a line holds are rendered once per distinct set of lists; a recent one is
/// found by comparing the hello in place (`HelloLists.matches`). A hello that differs from a
/// rendered one in any list the line shows gets its own rendering.
@Suite struct JSONFragmentsTests {
    static func entry(_ change: (inout ClientHello) -> Void, recordVersion: ProtocolVersion = .tls10) throws
        -> ClientHelloRecord
    {
        var hello = try ClientHello.parse(Wire.clientHelloBody())
        change(&hello)
        return ClientHelloRecord(
            frame: 1, timestamp: Timestamp(seconds: 0, nanoseconds: 0), recordVersion: recordVersion, hello: hello)
    }

    static func uncached(_ entry: ClientHelloRecord) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        FlowJSON.helloLists(&json, entry)
        return Array(json.bytes.dropFirst())
    }

    static let variants: [(String, @Sendable (inout ClientHello) -> Void)] = [
        ("legacy_version", { $0.legacyVersion = .tls11 }),
        ("supported_versions", { $0.extensions.supportedVersions = [.tls12] }),
        ("cipher_suites", { $0.cipherSuites.removeLast() }),
        ("extension types", { $0.extensions.types.removeLast() }),
        ("supported_groups", { $0.extensions.supportedGroups = [.secp384r1] }),
        ("key shares", { $0.extensions.keyShareGroups = [.secp256r1] }),
        ("signature_algorithms", { $0.extensions.signatureAlgorithms?.removeFirst() }),
        ("alpn", { $0.extensions.alpn = [Array("h3".utf8)] }),
    ]

    @Test(arguments: 0..<variants.count)
    func aHelloDifferingInOneListGetsItsOwnRendering(_ index: Int) throws {
        let base = try Self.entry { _ in }
        let variant = try Self.entry(Self.variants[index].1)
        let fragments = JSONFragments()
        #expect(fragments.lists(of: base) == Self.uncached(base))
        #expect(Self.uncached(variant) != Self.uncached(base), "\(Self.variants[index].0)")
        #expect(fragments.lists(of: variant) == Self.uncached(variant), "\(Self.variants[index].0)")
        #expect(fragments.lists(of: base) == Self.uncached(base))
    }

    @Test func theRecordVersionIsPartOfTheLists() throws {
        let base = try Self.entry { _ in }
        let other = try Self.entry({ _ in }, recordVersion: .tls12)
        let fragments = JSONFragments()
        #expect(fragments.lists(of: base) == Self.uncached(base))
        #expect(fragments.lists(of: other) == Self.uncached(other))
        #expect(Self.uncached(other) != Self.uncached(base))
    }

    static func serverEntry(_ change: (inout ServerHelloRecord) -> Void) throws -> ServerHelloRecord {
        var entry = ServerHelloRecord(
            frame: 2, timestamp: Timestamp(seconds: 0, nanoseconds: 0),
            hello: try ServerHello.parse(Wire.serverHelloBody()))
        entry.ja3s = "15af977ce25de452b96affa2addb1036"
        change(&entry)
        return entry
    }

    static func uncached(_ entry: ServerHelloRecord, cipherName: String?, cipherCode: Int?) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        FlowJSON.serverHelloMembers(&json, entry, cipherName: cipherName, cipherCode: cipherCode)
        return Array(json.bytes.dropFirst())
    }

    static let serverVariants: [(String, @Sendable (inout ServerHelloRecord) -> Void)] = [
        ("version", { $0.hello.extensions.supportedVersions = nil }),
        ("cipher suite", { $0.hello.cipherSuite = CipherSuite(rawValue: 0x1302) }),
        ("extension types", { $0.hello.extensions.types.removeLast() }),
        ("key share", { $0.hello.extensions.keyShareGroups = [.secp256r1] }),
        ("alpn", { $0.hello.extensions.alpn = [Array("h2".utf8)] }),
        ("hello retry request", { $0.hello.isHelloRetryRequest = true }),
        ("ja3s", { $0.ja3s = nil }),
    ]

    /// A ServerHello's members are rendered once per shape: one that differs in anything
    /// they show (or in the cipher given for the record) gets its own rendering.
    @Test(arguments: 0..<serverVariants.count)
    func aServerHelloDifferingInOneMemberGetsItsOwnRendering(_ index: Int) throws {
        let base = try Self.serverEntry { _ in }
        let variant = try Self.serverEntry(Self.serverVariants[index].1)
        let fragments = JSONFragments()
        func cipher(_ entry: ServerHelloRecord) -> (String, Int) {
            (entry.hello.cipherSuite.description, Int(entry.hello.cipherSuite.rawValue))
        }
        let (baseName, baseCode) = cipher(base)
        let (name, code) = cipher(variant)
        let expected = Self.uncached(base, cipherName: baseName, cipherCode: baseCode)
        #expect(fragments.serverHello(base, cipherName: baseName, cipherCode: baseCode) == expected)
        let variantExpected = Self.uncached(variant, cipherName: name, cipherCode: code)
        #expect(variantExpected != expected, "\(Self.serverVariants[index].0)")
        #expect(
            fragments.serverHello(variant, cipherName: name, cipherCode: code) == variantExpected,
            "\(Self.serverVariants[index].0)")
        #expect(fragments.serverHello(base, cipherName: baseName, cipherCode: baseCode) == expected)
    }

    /// The record's cipher (an SSL 2.0 kind, say) is part of the shape, name and code apart.
    @Test func theCipherGivenIsPartOfTheShape() throws {
        let entry = try Self.serverEntry { _ in }
        let fragments = JSONFragments()
        let suite = entry.hello.cipherSuite
        let plain = fragments.serverHello(entry, cipherName: suite.description, cipherCode: Int(suite.rawValue))
        let otherName = fragments.serverHello(
            entry, cipherName: "SSL_CK_RC4_128_WITH_MD5", cipherCode: Int(suite.rawValue))
        let otherCode = fragments.serverHello(entry, cipherName: suite.description, cipherCode: 0x010080)
        let none = fragments.serverHello(entry, cipherName: nil, cipherCode: nil)
        #expect(plain == Self.uncached(entry, cipherName: suite.description, cipherCode: Int(suite.rawValue)))
        #expect(
            otherName == Self.uncached(entry, cipherName: "SSL_CK_RC4_128_WITH_MD5", cipherCode: Int(suite.rawValue)))
        #expect(otherCode == Self.uncached(entry, cipherName: suite.description, cipherCode: 0x010080))
        #expect(none == Self.uncached(entry, cipherName: nil, cipherCode: nil))
        #expect(Set([plain, otherName, otherCode, none]).count == 4)
    }

    static func summary(_ number: Int) -> CertificateSummary {
        var summary = CertificateSummary(sha256: String(format: "%064x", number), parseError: "")
        summary.parseError = nil
        summary.subject = "CN=server-\(number).example"
        summary.issuer = "CN=Example CA \(number % 3)"
        summary.sanDNS = ["server-\(number).example"]
        return summary
    }

    static func uncached(_ summary: CertificateSummary) -> [UInt8] {
        var json = JSONWriter()
        FlowJSON.certificate(&json, summary)
        return json.bytes
    }

    /// A certificate's object is the same whether rendered now, found among the recent ones,
    /// or found in the table after the recent ones moved on (twelve fingerprints, in turn).
    @Test func certificatesFoundRecentlyOrInTheTableRenderTheSame() {
        let fragments = JSONFragments()
        let summaries = (0..<12).map(Self.summary)
        for round in 0..<3 {
            for summary in summaries + summaries.prefix(3) {
                #expect(fragments.certificate(summary) == Self.uncached(summary), "round \(round)")
            }
        }
        #expect(Self.uncached(summaries[0]) != Self.uncached(summaries[1]))
    }
}
