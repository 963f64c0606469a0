import AutopsyTestSupport
import Testing

@testable import AutopsyTLS

@Suite struct ClientHelloTests {
    @Test func parsesEveryFieldTheFlowRecordLists() throws {
        let hello = try ClientHello.parse(Wire.clientHelloBody())
        #expect(hello.legacyVersion == .tls12)
        #expect(hello.sessionID.count == 32)
        #expect(hello.cipherSuites.map(\.rawValue) == [0x0a0a, 0x1301, 0x1302, 0xc02f, 0x009c])
        #expect(hello.cipherSuites.first?.isGREASE == true)
        #expect(hello.compressionMethods == [0])
        let ext = hello.extensions
        #expect(ext.types.map(\.rawValue) == [0x0a0a, 0, 10, 11, 13, 16, 43, 51, 45, 0x1234])
        #expect(ext.serverName == "api.example.com")
        #expect(ext.supportedGroups?.map(\.rawValue) == [0x2a2a, 0x001d, 0x0017])
        #expect(ext.ecPointFormats == [0])
        #expect(ext.signatureAlgorithms?.map(\.rawValue) == [0x0403, 0x0804, 0x0401])
        #expect(ext.alpnNames == ["h2", "http/1.1"])
        #expect(ext.supportedVersions?.map(\.rawValue) == [0x3a3a, 0x0304, 0x0303])
        #expect(hello.offeredVersions == [.tls13, .tls12])
        #expect(ext.keyShareGroups?.map(\.rawValue) == [0x001d])
        #expect(ext.pskKeyExchangeModes == [1])
        #expect(hello.anomalies.isEmpty)
    }

    @Test func helloWithoutExtensionsIsValidBeforeTLS12() throws {
        let body =
            Wire.u16(0x0301) + [UInt8](repeating: 1, count: 32) + Wire.vec8([]) + Wire.vec16(Wire.u16(0x002f))
            + Wire.vec8([0])
        let hello = try ClientHello.parse(body)
        #expect(hello.extensions.types.isEmpty)
        #expect(hello.offeredVersions == [.tls10])
    }

    /// Truncation sweep: every prefix of a valid hello throws or parses, never traps.
    @Test func everyTruncationThrowsAParseError() {
        let body = Wire.clientHelloBody()
        var failures = 0
        for length in 0..<body.count {
            do {
                _ = try ClientHello.parse(Array(body[..<length]))
            } catch {
                failures += 1
            }
        }
        // Cutting inside the fixed part or the extension block always throws; only a cut exactly
        // before the extensions block (legal before TLS 1.2) parses.
        #expect(failures == body.count - 1)
    }

    /// Every length byte rewritten to every other value: no trap, and a ParseError or an anomaly.
    @Test func lyingLengthsNeverTrap() {
        let body = Wire.clientHelloBody()
        for index in body.indices {
            for value in [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff] {
                var mutated = body
                mutated[index] = UInt8(value)
                _ = try? ClientHello.parse(mutated)
            }
        }
    }

    @Test func oddExtensionsAreAnomaliesNotErrors() throws {
        var extensions: [UInt8] = []
        extensions += Wire.ext(
            0x0029,
            Wire.vec16(Wire.vec16([1, 2, 3]) + Wire.u16(0) + Wire.u16(0))
                + Wire.vec16(Wire.vec8([UInt8](repeating: 0, count: 32))))
        extensions += Wire.ext(0x0000, Wire.vec16(Wire.u8(0) + Wire.vec16(Array("10.0.0.1".utf8))))
        extensions += Wire.ext(0x000a, [0x00])  // malformed supported_groups
        extensions += Wire.ext(0x000a, Wire.vec16(Wire.u16(0x001d)))  // duplicate
        let body =
            Wire.u16(0x0303) + [UInt8](repeating: 1, count: 32) + Wire.vec8([]) + Wire.vec16(Wire.u16(0x1301))
            + Wire.vec8([0]) + Wire.vec16(extensions)
        let hello = try ClientHello.parse(body)
        let kinds = Set(hello.anomalies.map(\.kind))
        #expect(kinds.contains(.preSharedKeyNotLast))
        #expect(kinds.contains(.ipAddressInSNI))
        #expect(kinds.contains(.malformedExtension))
        #expect(kinds.contains(.duplicateExtension))
        #expect(hello.extensions.preSharedKeyIdentities == 1)
        #expect(hello.extensions.supportedGroups?.map(\.rawValue) == [0x001d])
    }

    /// A name that is not printable ASCII has no text and is noted; a dotted quad or an
    /// IPv6 address as the name is noted; a host name is neither.
    @Test(arguments: [
        ("caf\u{00e9}.example", nil as String?, Anomaly.Kind.nonASCIIName as Anomaly.Kind?),
        ("10.1.2.3", "10.1.2.3", .ipAddressInSNI), ("2001:db8::1", "2001:db8::1", .ipAddressInSNI),
        ("1.2.3", "1.2.3", nil), ("api.example.com", "api.example.com", nil),
    ])
    func serverNamesAreCheckedOnce(name: String, text: String?, anomaly: Anomaly.Kind?) throws {
        let hello = try ClientHello.parse(Wire.clientHelloBody(sni: name))
        #expect(hello.extensions.serverNameBytes == Array(name.utf8))
        #expect(hello.extensions.serverName == text)
        let kinds = hello.anomalies.map(\.kind).filter { $0 == .nonASCIIName || $0 == .ipAddressInSNI }
        #expect(kinds == (anomaly.map { [$0] } ?? []))
    }

    @Test func nonASCIIALPNIsShownAsHex() throws {
        let body = Wire.clientHelloBody(alpn: ["h2", "\u{00e9}x"])
        let hello = try ClientHello.parse(body)
        #expect(hello.extensions.alpnNames == ["h2", "0xc3a978"])
        #expect(hello.anomalies.map(\.kind).contains(.nonASCIIName))
    }

    @Test func echOuterFieldsAreNoted() throws {
        let ech =
            Wire.u8(0) + Wire.u16(0x0001) + Wire.u16(0x0001) + Wire.u8(0x42)
            + Wire.vec16([UInt8](repeating: 7, count: 32)) + Wire.vec16([UInt8](repeating: 8, count: 200))
        let body =
            Wire.u16(0x0303) + [UInt8](repeating: 1, count: 32) + Wire.vec8([]) + Wire.vec16(Wire.u16(0x1301))
            + Wire.vec8([0]) + Wire.vec16(Wire.ext(0xfe0d, ech))
        let info = try #require(try ClientHello.parse(body).extensions.encryptedClientHello)
        #expect(info.type == 0)
        #expect(info.kdf == 1)
        #expect(info.aead == 1)
        #expect(info.configID == 0x42)
        #expect(info.payloadLength == 200)
    }
}

@Suite struct ServerHelloTests {
    @Test func tls13ServerHelloSelectsItsVersionAndGroup() throws {
        let hello = try ServerHello.parse(Wire.serverHelloBody())
        #expect(hello.selectedVersion == .tls13)
        #expect(hello.cipherSuite.rawValue == 0x1301)
        #expect(hello.keyShareGroup?.rawValue == 0x001d)
        #expect(!hello.isHelloRetryRequest)
    }

    @Test func helloRetryRequestIsRecognisedByItsRandom() throws {
        // An HRR's key_share holds only the selected group (RFC 8446, 4.2.8).
        var extensions = Wire.ext(0x002b, Wire.u16(0x0304)) + Wire.ext(0x0033, Wire.u16(0x0017))
        extensions = Wire.vec16(extensions)
        let body =
            Wire.u16(0x0303) + ServerHello.helloRetryRequestRandom + Wire.vec8([]) + Wire.u16(0x1302) + Wire.u8(0)
            + extensions
        let hello = try ServerHello.parse(body)
        #expect(hello.isHelloRetryRequest)
        #expect(hello.keyShareGroup?.rawValue == 0x0017)
    }

    @Test func everyTruncationThrows() {
        let body = Wire.serverHelloBody()
        for length in 0..<body.count {
            let result = try? ServerHello.parse(Array(body[..<length]))
            // Only the cut right before the extensions block parses (a TLS 1.2-style hello).
            if result != nil { #expect(length == 2 + 32 + 33 + 3) }
        }
    }
}

@Suite struct CertificateMessageTests {
    @Test func tls12And13LayoutsGiveTheSameCertificates() throws {
        let first = [UInt8](repeating: 0x30, count: 40)
        let second = [UInt8](repeating: 0x31, count: 10)
        let tls12 = Wire.vec24(Wire.vec24(first) + Wire.vec24(second))
        let tls13 =
            Wire.vec8([])
            + Wire.vec24(Wire.vec24(first) + Wire.vec16([]) + Wire.vec24(second) + Wire.vec16([0, 5, 0, 0]))
        #expect(try CertificateMessage.parse(tls12, tls13: false).certificates == [first, second])
        let parsed = try CertificateMessage.parse(tls13, tls13: true)
        #expect(parsed.certificates == [first, second])
        #expect(parsed.requestContext == [])
    }

    @Test func truncatedCertificatesThrow() {
        let message = Wire.vec24(Wire.vec24([UInt8](repeating: 0x30, count: 40)))
        for length in 0..<message.count {
            #expect(throws: ParseError.self) { try CertificateMessage.parse(Array(message[..<length]), tls13: false) }
        }
    }

    @Test func serverKeyExchangeNamesTheCurve() throws {
        let body = Wire.u8(3) + Wire.u16(0x0017) + Wire.vec8([UInt8](repeating: 4, count: 65))
        #expect(try ServerKeyExchange.parse(body, dhe: false).group?.rawValue == 0x0017)
        let dhe = Wire.vec16([0x00, 0xff] + [UInt8](repeating: 0xff, count: 255)) + Wire.vec16([2])
        #expect(try ServerKeyExchange.parse(dhe, dhe: true).dhPrimeBits == 2048)
    }

    @Test func certificateRequestCountsAuthorities() throws {
        let body =
            Wire.vec8([1, 64]) + Wire.vec16(Wire.u16(0x0401))
            + Wire.vec16(Wire.vec16([0x30, 0]) + Wire.vec16([0x30, 1, 0]))
        let request = try CertificateRequest.parse(body, tls12: true)
        #expect(request.certificateTypes == [1, 64])
        #expect(request.authorityCount == 2)
    }
}
