import AutopsyTLS
import AutopsyTestSupport
import Testing

@testable import AutopsyFlow

/// The fingerprint cache finds a hello's shape among the recent ones by comparing the hello
/// in place (`ClientShape.matches`): a hello that differs from a cached one in any list JA3
/// or JA4 read gets its own fingerprints, not the cached one's.
@Suite struct FingerprintCacheTests {
    static func base() throws -> ClientHello {
        var hello = try ClientHello.parse(Wire.clientHelloBody())
        hello.extensions.ecPointFormats = [0]
        return hello
    }

    static let variants: [(String, @Sendable (inout ClientHello) -> Void)] = [
        ("legacy_version", { $0.legacyVersion = .tls11 }),
        ("cipher_suites", { $0.cipherSuites.removeLast() }),
        ("extension types", { $0.extensions.types.removeLast() }),
        ("supported_groups", { $0.extensions.supportedGroups = [.secp384r1] }),
        ("ec_point_formats", { $0.extensions.ecPointFormats = [0, 1, 2] }),
        ("signature_algorithms", { $0.extensions.signatureAlgorithms?.removeFirst() }),
        ("supported_versions", { $0.extensions.supportedVersions = [.tls12] }),
        ("first ALPN", { $0.extensions.alpn = [Array("http/1.1".utf8)] }),
        (
            "SSL 2.0 cipher specs",
            {
                $0.isSSLv2Compatible = true
                $0.sslv2CipherSpecs = [0x01_0080, 0x00_002f]
            }
        ),
    ]

    static func uncached(_ hello: ClientHello) -> FingerprintCache.Client {
        let string = JA3.string(hello)
        return FingerprintCache.Client(ja3String: string, ja3: JA3.md5Hex(string), ja4: JA4.fingerprint(hello))
    }

    @Test(arguments: 0..<variants.count)
    func aHelloDifferingInOneListGetsItsOwnFingerprints(_ index: Int) throws {
        let base = try Self.base()
        var variant = base
        Self.variants[index].1(&variant)
        let cache = FingerprintCache()
        #expect(cache.client(base) == Self.uncached(base))
        #expect(Self.uncached(variant) != Self.uncached(base), "\(Self.variants[index].0)")
        #expect(cache.client(variant) == Self.uncached(variant), "\(Self.variants[index].0)")
        // Both now recent: each found again as itself.
        #expect(cache.client(base) == Self.uncached(base))
        #expect(cache.client(variant) == Self.uncached(variant))
    }

    @Test func aHelloDifferingOnlyInWhatFingerprintsIgnoreSharesThem() throws {
        let base = try Self.base()
        var other = base
        other.random = ShortBytes(prefixOf: [UInt8](repeating: 0x77, count: 32))
        other.sessionID = []
        other.extensions.serverNameBytes = Array("other.example".utf8)
        let cache = FingerprintCache()
        #expect(cache.client(base) == cache.client(other))
        #expect(cache.client(other) == Self.uncached(other))
    }
}
