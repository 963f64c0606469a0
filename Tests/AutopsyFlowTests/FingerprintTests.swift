import AutopsyTLS
import AutopsyTestSupport
import Testing

@testable import AutopsyFlow

/// Builds ClientHello bodies field by field for the fingerprint tests.
private enum Hello {
    /// A ClientHello body: `extensions` nil leaves the extensions block out (allowed before TLS 1.2).
    static func body(version: Int = 0x0303, ciphers: [Int], extensions: [[UInt8]]?) -> [UInt8] {
        let fixed =
            Wire.u16(version) + [UInt8](repeating: 0x11, count: 32) + Wire.vec8([])
            + Wire.vec16(ciphers.flatMap(Wire.u16))
            + Wire.vec8([0])
        guard let extensions else { return fixed }
        return fixed + Wire.vec16(extensions.flatMap { $0 })
    }

    static func parse(version: Int = 0x0303, ciphers: [Int], extensions: [[UInt8]]?) throws -> ClientHello {
        try ClientHello.parse(body(version: version, ciphers: ciphers, extensions: extensions))
    }

    static func sni(_ name: String) -> [UInt8] {
        Wire.ext(0x0000, Wire.vec16(Wire.u8(0) + Wire.vec16(Array(name.utf8))))
    }
    static func groups(_ values: [Int]) -> [UInt8] { Wire.ext(0x000a, Wire.vec16(values.flatMap(Wire.u16))) }
    static func pointFormats(_ values: [UInt8]) -> [UInt8] { Wire.ext(0x000b, Wire.vec8(values)) }
    static func signatures(_ values: [Int]) -> [UInt8] { Wire.ext(0x000d, Wire.vec16(values.flatMap(Wire.u16))) }
    static func alpn(_ names: [[UInt8]]) -> [UInt8] { Wire.ext(0x0010, Wire.vec16(names.flatMap(Wire.vec8))) }
    static func versions(_ values: [Int]) -> [UInt8] { Wire.ext(0x002b, Wire.vec8(values.flatMap(Wire.u16))) }
    static func empty(_ type: Int) -> [UInt8] { Wire.ext(type, []) }

    /// The ClientHello of the JA4 spec's example (`technical_details/JA4.md`, "Cipher hash",
    /// "Extension hash"): its ciphers, extensions and signature algorithms in that order, ALPN h2,
    /// TLS 1.3; GREASE added in every list, which must change nothing.
    static func ja4SpecExample(signatureAlgorithms: [Int]? = nil) -> [[UInt8]] {
        let signatures = signatureAlgorithms ?? [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
        return [
            empty(0x1a1a), empty(0x001b), sni("example.com"), empty(0x0033), alpn([Array("h2".utf8)]), empty(0x4469),
            empty(0x0017), empty(0x002d), Hello.signatures(signatures), empty(0x0005), empty(0x0023),
            empty(0x0012), versions([0x8a8a, 0x0304, 0x0303]), empty(0xff01), pointFormats([0]),
            groups([0x2a2a, 0x001d]), empty(0x0015),
        ]
    }

    /// An SSL 2.0 CLIENT-HELLO message (RFC 6101, appendix E.1) with no session id.
    static func sslv2Message(version: Int, specs: [Int]) -> [UInt8] {
        let challenge = [UInt8](repeating: 0x5a, count: 16)
        return Wire.u8(1) + Wire.u16(version) + Wire.u16(specs.count * 3) + Wire.u16(0) + Wire.u16(challenge.count)
            + specs.flatMap(Wire.u24) + challenge
    }

    static let ja4SpecCiphers = [
        0x3a3a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d,
        0x002f, 0x0035,
    ]
}

@Suite struct FingerprintJA3Tests {
    /// salesforce/ja3 README, "How it works": the first example string and its MD5.
    @Test func readmeExampleWithExtensions() throws {
        let hello = try Hello.parse(
            version: 0x0301,
            ciphers: [47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4],
            extensions: [Hello.sni("example.com"), Hello.groups([23, 24, 25]), Hello.pointFormats([0])])
        #expect(JA3.string(hello) == "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0")
        #expect(JA3.hash(hello) == "ada70206e40642a3e4461f35503241d5")
    }

    /// salesforce/ja3 README: a hello without extensions leaves the last three fields empty.
    @Test func readmeExampleWithoutExtensions() throws {
        let hello = try Hello.parse(
            version: 0x0301, ciphers: [4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99], extensions: nil)
        #expect(JA3.string(hello) == "769,4-5-10-9-100-98-3-6-19-18-99,,,")
        #expect(JA3.hash(hello) == "de350869b8c85de67a350c8d186f11e6")
    }

    /// GREASE is dropped from ciphers, extensions and curves; the version is legacy_version even
    /// when supported_versions offers TLS 1.3; extensions stay in wire order.
    @Test func modernHelloDropsGREASE() throws {
        let hello = try ClientHello.parse(Wire.clientHelloBody())
        #expect(JA3.string(hello) == "771,4865-4866-49199-156,0-10-11-13-16-43-51-45-4660,29-23,0")
        // md5 of the string above (Python hashlib).
        #expect(JA3.hash(hello) == "74024ea848d3d1ce8c1c583221bc9361")
    }

    /// Extensions but no supported_groups or ec_point_formats: those two fields stay empty.
    @Test func missingCurvesLeaveEmptyFields() throws {
        let hello = try Hello.parse(ciphers: [0x002f], extensions: [Hello.empty(0xff01), Hello.empty(0x0023)])
        #expect(JA3.string(hello) == "771,47,65281-35,,")
    }

    /// An SSL 2.0 CLIENT-HELLO: version 2 and every cipher spec as a 3-byte number, nothing else.
    /// CESNET FlowTest `tools/ft-orchestration/tests/validation/tls_ssl20.yml` expects
    /// `tls_ja3: 0xe76a0619f4cf744ab2b9ea0ac9b8d5a4` for this hello (flowtest/ssl-v2-flowtest.pcap).
    @Test func sslv2ClientHello() throws {
        let kinds = [0x0700c0, 0x050080, 0x030080, 0x010080, 0x080080, 0x060040, 0x040080, 0x020080]
        let hello = try ClientHello.parseSSLv2(Hello.sslv2Message(version: 0x0002, specs: kinds))
        #expect(JA3.string(hello) == "2,458944-327808-196736-65664-524416-393280-262272-131200,,,")
        #expect(JA3.hash(hello) == "e76a0619f4cf744ab2b9ea0ac9b8d5a4")
    }

    /// An SSL 2.0-compatible hello offering TLS 1.0 with TLS suites only (zeek/ssl.v3.pcap's first
    /// flow): version 769, the suites as plain numbers.
    @Test func sslv2CompatibleHello() throws {
        let specs = [0x39, 0x38, 0x35, 0x33, 0x32, 0x04, 0x05, 0x2f, 0x16]
        let hello = try ClientHello.parseSSLv2(Hello.sslv2Message(version: 0x0301, specs: specs))
        #expect(JA3.string(hello) == "769,57-56-53-51-50-4-5-47-22,,,")
    }

    /// JA3S over `Wire.serverHelloBody()`: TLS 1.2 legacy version, the suite, extensions in order.
    @Test func serverHello() throws {
        let hello = try ServerHello.parse(Wire.serverHelloBody())
        #expect(JA3.serverString(hello) == "771,4865,43-51")
        // md5 of the string above (Python hashlib).
        #expect(JA3.serverHash(hello) == "f4febc55ea12b31ae17cfb7e614afda8")
    }

    /// OISF suricata-verify `tests/tls/tls-ja3s/test.yaml` expects `tls.ja3s.string`
    /// `771,49199,65281-0-11-16-23` and hash `5d79edf64e03689ff559a54e9d9487bc`.
    @Test func serverHelloSuricataVector() throws {
        let extensions =
            Wire.ext(0xff01, [0]) + Wire.ext(0x0000, []) + Wire.ext(0x000b, Wire.vec8([0]))
            + Wire.ext(0x0010, Wire.vec16(Wire.vec8(Array("h2".utf8)))) + Wire.ext(0x0017, [])
        let body =
            Wire.u16(0x0303) + [UInt8](repeating: 0x44, count: 32) + Wire.vec8([]) + Wire.u16(0xc02f) + Wire.u8(0)
            + Wire.vec16(extensions)
        let hello = try ServerHello.parse(body)
        #expect(JA3.serverString(hello) == "771,49199,65281-0-11-16-23")
        #expect(JA3.serverHash(hello) == "5d79edf64e03689ff559a54e9d9487bc")
    }
}

@Suite struct FingerprintJA4Tests {
    /// FoxIO-LLC/ja4 `technical_details/JA4.md`: the example's cipher hash `8daaf6152771`,
    /// extension hash `e5627efa2ab1`, fingerprint `t13d1516h2_8daaf6152771_e5627efa2ab1` and
    /// JA4_r, with GREASE added that must not count.
    @Test func specExample() throws {
        let hello = try Hello.parse(ciphers: Hello.ja4SpecCiphers, extensions: Hello.ja4SpecExample())
        #expect(JA4.fingerprint(hello) == "t13d1516h2_8daaf6152771_e5627efa2ab1")
        #expect(
            JA4.raw(hello)
                == "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_"
                + "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_"
                + "0403,0804,0401,0503,0805,0501,0806,0601")
    }

    /// JA4.md, "Extension hash": with no signature algorithms the string ends without an
    /// underscore: `0005,...,ff01 = 6d807ffa2a79`.
    @Test func specExampleWithoutSignatureAlgorithms() throws {
        let hello = try Hello.parse(
            ciphers: Hello.ja4SpecCiphers, extensions: Hello.ja4SpecExample(signatureAlgorithms: []))
        #expect(JA4.fingerprint(hello) == "t13d1516h2_8daaf6152771_6d807ffa2a79")
        #expect(JA4.raw(hello).hasSuffix("_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"))
    }

    /// GREASE in signature_algorithms is ignored too ("ignore GREASE values anywhere").
    @Test func greaseSignatureAlgorithmIgnored() throws {
        let signatures = [0x0a0a, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
        let hello = try Hello.parse(
            ciphers: Hello.ja4SpecCiphers, extensions: Hello.ja4SpecExample(signatureAlgorithms: signatures))
        #expect(JA4.fingerprint(hello) == "t13d1516h2_8daaf6152771_e5627efa2ab1")
    }

    /// `Wire.clientHelloBody()`: 4 suites and 9 extensions besides GREASE, SNI, ALPN h2, TLS 1.3.
    @Test func modernHello() throws {
        let hello = try ClientHello.parse(Wire.clientHelloBody())
        #expect(
            JA4.raw(hello)
                == "t13d0409h2_009c,1301,1302,c02f_000a,000b,000d,002b,002d,0033,1234_0403,0804,0401")
        // sha256 of each list, first 12 digits (Python hashlib).
        #expect(JA4.fingerprint(hello) == "t13d0409h2_a43e9e09ddf6_dde4d6c2b5e0")
        #expect(JA4.fingerprint(hello, transport: .quic).hasPrefix("q13d0409h2_"))
        #expect(JA4.fingerprint(hello, transport: .dtls).hasPrefix("d13d0409h2_"))
    }

    /// No SNI gives `i`; no ALPN gives `00`; no extensions left after SNI and ALPN gives a zero hash;
    /// no extensions at all gives zero counts.
    @Test func emptyCases() throws {
        let onlyNames = try Hello.parse(
            ciphers: [0x002f], extensions: [Hello.sni("a.example"), Hello.alpn([Array("h2".utf8)])])
        #expect(JA4.raw(onlyNames) == "t12d0102h2_002f_")
        #expect(JA4.fingerprint(onlyNames).hasSuffix("_000000000000"))

        let bare = try Hello.parse(version: 0x0301, ciphers: [0x0a0a, 0x0005], extensions: nil)
        #expect(JA4.raw(bare) == "t10i010000_0005_")
        #expect(JA4.fingerprint(bare).hasPrefix("t10i010000_"))

        var noCiphers = ClientHello(legacyVersion: .tls12, random: [], sessionID: [])
        noCiphers.cipherSuites = [CipherSuite(rawValue: 0x2a2a)]
        #expect(JA4.fingerprint(noCiphers) == "t12i000000_000000000000_000000000000")
        #expect(JA4.raw(noCiphers) == "t12i000000__")
    }

    /// Counts stop at 99.
    @Test func countsCapAt99() throws {
        let hello = try Hello.parse(ciphers: Array(0x0100..<0x0178), extensions: nil)
        #expect(JA4.raw(hello).hasPrefix("t12i990000_0100,0101,"))
    }

    /// SCSVs count as ciphers (JA4.md, "Number of Ciphers").
    @Test func scsvCounted() throws {
        let hello = try Hello.parse(ciphers: [0x1301, 0x00ff, 0x5600], extensions: nil)
        #expect(JA4.raw(hello) == "t12i030000_00ff,1301,5600_")
    }

    /// Version: the highest supported_versions value without GREASE; legacy_version otherwise;
    /// drafts and other unlisted values are `00`; DTLS lists yield their newest version.
    @Test(arguments: [
        (0x0303, [0x7a7a, 0x0304, 0x0303], "13"),
        (0x0303, [0x0302, 0x0301], "11"),
        (0x0303, [0xdada, 0x7f17, 0x0303], "00"),  // Chrome 67, TLS 1.3 draft 23 (zeek corpus)
        (0x0303, [0x0304, 0xfb1a], "00"),  // Facebook's experimental version is the highest value
        (0x0303, [0x2a2a], "00"),
        (0xfefd, [0xfefc, 0xfefd], "d3"),
        (0x0300, [], "s3"),
        (0x0002, [], "s2"),
        (0x0301, [], "10"),
        (0x0305, [], "00"),
    ])
    func version(legacy: Int, supported: [Int], expected: String) throws {
        let extensions = supported.isEmpty ? [Hello.empty(0xff01)] : [Hello.versions(supported)]
        let hello = try Hello.parse(version: legacy, ciphers: [0x002f], extensions: extensions)
        #expect(JA4.version(hello) == expected)
    }

    /// JA4.md, "ALPN Extension Value": letters and digits as they are, else the first and last
    /// digits of the value's hex (the five examples of the spec), a single character twice.
    @Test func alpnCharacters() {
        #expect(JA4.alpn(Array("h2".utf8)) == "h2")
        #expect(JA4.alpn(Array("http/1.1".utf8)) == "h1")
        #expect(JA4.alpn(Array("x".utf8)) == "xx")
        #expect(JA4.alpn(nil) == "00")
        #expect(JA4.alpn([]) == "00")
        #expect(JA4.alpn([0xAB]) == "ab")
        #expect(JA4.alpn([0xAB, 0xCD]) == "ad")
        #expect(JA4.alpn([0x30, 0xAB]) == "3b")
        #expect(JA4.alpn([0x30, 0x31, 0xAB, 0xCD]) == "3d")
        #expect(JA4.alpn([0x30, 0xAB, 0xCD, 0x31]) == "01")
    }

    /// Only the first ALPN value counts.
    @Test func firstALPNValue() throws {
        let hello = try Hello.parse(
            ciphers: [0x002f], extensions: [Hello.alpn([Array("http/1.1".utf8), Array("h2".utf8)])])
        #expect(JA4.raw(hello).hasPrefix("t12i0101h1_"))
    }

    /// An SSL 2.0-compatible hello counts no ciphers, as FoxIO's tools report it
    /// (ja4py on zeek/ssl.v3.pcap, sv/sslv2-tls-upgrade-01.pcap, ndpi/google_ssl.pcap).
    @Test func sslv2CompatibleHello() throws {
        let hello = try ClientHello.parseSSLv2(Hello.sslv2Message(version: 0x0301, specs: [0x39, 0x010080]))
        #expect(JA4.fingerprint(hello) == "t10i000000_000000000000_000000000000")
        #expect(JA4.raw(hello) == "t10i000000__")
    }
}
