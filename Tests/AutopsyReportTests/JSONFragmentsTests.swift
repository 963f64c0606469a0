import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import AutopsyTestSupport
import Testing

@testable import AutopsyReport

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
}
