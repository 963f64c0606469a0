import Foundation
import Testing

@testable import AutopsyTLS

@Suite struct RegistryTests {
    // MARK: Names from the IANA registries

    @Test(
        arguments: [
            (0x1301, "TLS_AES_128_GCM_SHA256"),
            (0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
            (0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            (0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            (0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"),
            (0x0000, "TLS_NULL_WITH_NULL_NULL"),
            (0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
            (0x5600, "TLS_FALLBACK_SCSV"),
            (0x0018, "TLS_DH_anon_WITH_RC4_128_MD5"),
        ] as [(UInt16, String)])
    func cipherSuiteNames(raw: UInt16, name: String) {
        #expect(CipherSuite(rawValue: raw).name == name)
        #expect(CipherSuite(rawValue: raw).description == name)
    }

    @Test(
        arguments: [
            (29, "x25519"),
            (23, "secp256r1"),
            (24, "secp384r1"),
            (30, "x448"),
            (256, "ffdhe2048"),
            (0x11EC, "X25519MLKEM768"),
            (0x11EB, "SecP256r1MLKEM768"),
            (0x6399, "X25519Kyber768Draft00 (OBSOLETE)"),
        ] as [(UInt16, String)])
    func namedGroupNames(raw: UInt16, name: String) {
        #expect(NamedGroup(rawValue: raw).name == name)
    }

    @Test(
        arguments: [
            (0x0403, "ecdsa_secp256r1_sha256"),
            (0x0804, "rsa_pss_rsae_sha256"),
            (0x0401, "rsa_pkcs1_sha256"),
            (0x0201, "rsa_pkcs1_sha1"),
            (0x0807, "ed25519"),
            (0x0904, "mldsa44"),
        ] as [(UInt16, String)])
    func signatureSchemeNames(raw: UInt16, name: String) {
        #expect(SignatureScheme(rawValue: raw).name == name)
    }

    @Test(
        arguments: [
            (0, "server_name"),
            (10, "supported_groups"),
            (16, "application_layer_protocol_negotiation"),
            (23, "extended_main_secret"),
            (35, "session_ticket"),
            (43, "supported_versions"),
            (51, "key_share"),
            (0xFE0D, "encrypted_client_hello"),
            (0xFD00, "ech_outer_extensions"),
            (0xFF01, "renegotiation_info"),
            (17513, "application_settings"),
            (13172, "next_protocol_negotiation"),
        ] as [(UInt16, String)])
    func extensionTypeNames(raw: UInt16, name: String) {
        #expect(ExtensionType(rawValue: raw).name == name)
    }

    @Test(
        arguments: [
            (0, "close_notify"),
            (40, "handshake_failure"),
            (48, "unknown_ca"),
            (70, "protocol_version"),
            (112, "unrecognized_name"),
            (116, "certificate_required"),
            (120, "no_application_protocol"),
            (121, "ech_required"),
            (21, "decryption_failed"),
        ] as [(UInt8, String)])
    func alertDescriptionNames(raw: UInt8, name: String) {
        #expect(AlertDescription(rawValue: raw).name == name)
    }

    @Test(
        arguments: [
            (0, "hello_request"),
            (1, "client_hello"),
            (2, "server_hello"),
            (4, "new_session_ticket"),
            (6, "hello_retry_request"),
            (11, "certificate"),
            (12, "server_key_exchange"),
            (16, "client_key_exchange"),
            (20, "finished"),
            (254, "message_hash"),
        ] as [(UInt8, String)])
    func handshakeTypeNames(raw: UInt8, name: String) {
        #expect(HandshakeType(rawValue: raw).name == name)
    }

    @Test(
        arguments: [
            (20, "change_cipher_spec"),
            (21, "alert"),
            (22, "handshake"),
            (23, "application_data"),
            (24, "heartbeat"),
        ] as [(UInt8, String)])
    func contentTypeNames(raw: UInt8, name: String) {
        #expect(ContentType(rawValue: raw).name == name)
    }

    @Test func staticValuesCarryTheirNames() {
        #expect(ExtensionType.encryptedClientHello.rawValue == 0xFE0D)
        #expect(ExtensionType.alpn.description == "application_layer_protocol_negotiation")
        #expect(ExtensionType.applicationSettings.rawValue == 17513)
        #expect(HandshakeType.helloRetryRequest.description == "hello_retry_request")
        #expect(HandshakeType.certificateURL.description == "certificate_url")
        #expect(ContentType.changeCipherSpec.description == "change_cipher_spec")
        #expect(AlertDescription.unknownCA.description == "unknown_ca")
        #expect(AlertLevel.warning.description == "warning")
        #expect(AlertLevel.fatal.description == "fatal")
        #expect(NamedGroup.x25519MLKEM768.description == "X25519MLKEM768")
        #expect(SSLv2CipherKind.rc4128WithMD5.description == "SSL_CK_RC4_128_WITH_MD5")
        #expect(SSLv2CipherKind(rawValue: 0x07_00C0).name == "SSL_CK_DES_192_EDE3_CBC_WITH_MD5")
    }

    // MARK: Unknown values print as hex

    @Test func unknownValuesPrintAsZeroPaddedLowercaseHex() {
        #expect(CipherSuite(rawValue: 0x1A2B).name == nil)
        #expect(CipherSuite(rawValue: 0x1A2B).description == "0x1a2b")
        #expect(CipherSuite(rawValue: 0x0B00).description == "0x0b00")
        #expect(NamedGroup(rawValue: 0x00FF).description == "0x00ff")
        #expect(SignatureScheme(rawValue: 0xFEFE).description == "0xfefe")
        #expect(ExtensionType(rawValue: 0x0063).description == "0x0063")
        #expect(ProtocolVersion(rawValue: 0x0305).description == "0x0305")
        #expect(AlertDescription(rawValue: 0x1A).description == "0x1a")
        #expect(AlertDescription(rawValue: 0x05).description == "0x05")
        #expect(AlertLevel(rawValue: 3).description == "0x03")
        #expect(HandshakeType(rawValue: 7).description == "0x07")
        #expect(ContentType(rawValue: 0xFF).description == "0xff")
        #expect(SSLv2CipherKind(rawValue: 0x08_0080).description == "0x080080")
    }

    // MARK: GREASE (RFC 8701)

    static let greaseValues: [UInt16] = (0..<16).map { UInt16($0) << 12 | UInt16($0) << 4 | 0x0A0A }

    @Test(arguments: greaseValues)
    func greaseValuesAreDetectedAndPrintAsHex(raw: UInt16) {
        #expect(CipherSuite(rawValue: raw).isGREASE)
        #expect(NamedGroup(rawValue: raw).isGREASE)
        #expect(SignatureScheme(rawValue: raw).isGREASE)
        #expect(ExtensionType(rawValue: raw).isGREASE)
        #expect(ProtocolVersion(rawValue: raw).isGREASE)
        let hex = RegistryFormat.hex(UInt32(raw), digits: 4)
        #expect(CipherSuite(rawValue: raw).description == hex)
        #expect(NamedGroup(rawValue: raw).description == hex)
        #expect(ExtensionType(rawValue: raw).description == hex)
        #expect(ProtocolVersion(rawValue: raw).description == hex)
        #expect(CipherSuite(rawValue: raw).name == nil)
    }

    @Test func theSixteenGreaseValuesAreTheRFCsList() {
        #expect(Self.greaseValues.first == 0x0A0A)
        #expect(Self.greaseValues.last == 0xFAFA)
        #expect(Self.greaseValues.count == 16)
        let all = (0...UInt16.max).filter { CipherSuite(rawValue: $0).isGREASE }
        #expect(all == Self.greaseValues)
    }

    @Test(arguments: [0x0000, 0x0A0B, 0x1A0A, 0x0A1A, 0x0B0B, 0xAAAB, 0xA0A0, 0x1301, 0xFAFB] as [UInt16])
    func nonGreaseValuesAreNot(raw: UInt16) {
        #expect(!CipherSuite(rawValue: raw).isGREASE)
        #expect(!ExtensionType(rawValue: raw).isGREASE)
    }

    // MARK: Cipher suite classification

    @Test(
        arguments: [
            (0x1301, KeyExchangeClass.tls13, true, false),
            (0x1302, .tls13, true, false),
            (0x1303, .tls13, true, false),
            (0xC02F, .ecdhe, false, false),
            (0xC02B, .ecdhe, false, false),
            (0xCCA8, .ecdhe, false, false),
            (0xC013, .ecdhe, false, true),  // CBC
            (0x009E, .dhe, false, false),
            (0x0033, .dhe, false, true),  // CBC
            (0x009C, .rsa, false, true),  // static RSA
            (0x000A, .rsa, false, true),  // 3DES
            (0x0005, .rsa, false, true),  // RC4
            (0x00A8, .psk, false, false),
            (0xC02D, .ecdh, false, false),
            (0x0018, .dh, false, true),  // anon, RC4, MD5
            (0xC01D, .srp, false, true),
            (0x0000, .other, false, true),  // NULL
            (0xC0B4, .tls13, true, true),  // integrity only
        ] as [(UInt16, KeyExchangeClass, Bool, Bool)])
    func cipherSuiteClassification(raw: UInt16, keyExchange: KeyExchangeClass, isTLS13: Bool, isLegacy: Bool) {
        let suite = CipherSuite(rawValue: raw)
        #expect(suite.keyExchange == keyExchange)
        #expect(suite.isTLS13 == isTLS13)
        #expect(suite.isLegacy == isLegacy)
        #expect(!suite.isSCSV)
    }

    @Test func signallingValuesAreSCSV() {
        #expect(CipherSuite.emptyRenegotiationInfoSCSV.isSCSV)
        #expect(CipherSuite.fallbackSCSV.isSCSV)
        #expect(!CipherSuite.emptyRenegotiationInfoSCSV.isLegacy)
        #expect(!CipherSuite.tlsAES128GCMSHA256.isSCSV)
    }

    @Test func unknownAndGreaseSuitesAreUnclassified() {
        for raw: UInt16 in [0x0A0A, 0x1A2B, 0xFF00] {
            let suite = CipherSuite(rawValue: raw)
            #expect(suite.keyExchange == .other)
            #expect(!suite.isTLS13 && !suite.isLegacy && !suite.isSCSV)
        }
    }

    /// Every named suite that names CBC, RC4, 3DES, EXPORT or anon is legacy; no named AEAD suite
    /// with ephemeral key exchange is.
    @Test func legacyFollowsTheName() {
        for raw in 0...UInt16.max {
            let suite = CipherSuite(rawValue: raw)
            guard let name = suite.name else { continue }
            let parts = Set(name.split(separator: "_").map(String.init))
            if !parts.isDisjoint(with: ["CBC", "RC4", "3DES", "EXPORT", "anon", "NULL", "MD5"]) {
                #expect(suite.isLegacy, "\(name)")
            }
            if name.hasPrefix("TLS_ECDHE_") && name.contains("_GCM_") {
                #expect(!suite.isLegacy, "\(name)")
                #expect(suite.keyExchange == .ecdhe, "\(name)")
            }
            if name.hasPrefix("TLS_AES_") || name.hasPrefix("TLS_CHACHA20_") {
                #expect(suite.isTLS13, "\(name)")
            }
        }
    }

    // MARK: Protocol versions

    @Test(
        arguments: [
            (0x0002, "SSL 2.0", 0),
            (0x0300, "SSL 3.0", 1),
            (0x0301, "TLS 1.0", 2),
            (0x0302, "TLS 1.1", 3),
            (0x0303, "TLS 1.2", 4),
            (0x0304, "TLS 1.3", 5),
            (0x7F17, "TLS 1.3 draft 23", 5),
            (0x7F1C, "TLS 1.3 draft 28", 5),
        ] as [(UInt16, String, Int)])
    func versionNamesAndOrder(raw: UInt16, name: String, ordinal: Int) {
        let version = ProtocolVersion(rawValue: raw)
        #expect(version.description == name)
        #expect(version.ordinal == ordinal)
    }

    @Test func otherVersions() {
        #expect(ProtocolVersion.dtls10.description == "DTLS 1.0")
        #expect(ProtocolVersion.dtls12.description == "DTLS 1.2")
        #expect(ProtocolVersion.dtls13.description == "DTLS 1.3")
        #expect(ProtocolVersion(rawValue: 0xFB17).description == "0xfb17")  // Facebook experiment
        #expect(ProtocolVersion(rawValue: 0x7E02).description == "0x7e02")  // Google experiment
        #expect(ProtocolVersion(rawValue: 0xFB17).ordinal == nil)
        #expect(ProtocolVersion.dtls12.ordinal == nil)
        #expect(ProtocolVersion(rawValue: 0x0A0A).ordinal == nil)
        #expect(ProtocolVersion.tls13.isTLS13OrDraft)
        #expect(ProtocolVersion(rawValue: 0x7F12).isTLS13OrDraft)
        #expect(!ProtocolVersion.tls12.isTLS13OrDraft)
        #expect(!ProtocolVersion(rawValue: 0xFB17).isTLS13OrDraft)
        #expect((ProtocolVersion.tls12.ordinal ?? 0) < (ProtocolVersion.tls13.ordinal ?? 0))
        #expect((ProtocolVersion.ssl3.ordinal ?? 9) < (ProtocolVersion.tls10.ordinal ?? 0))
    }

    @Test func sslv2KindsWithAZeroFirstByteAreTLSSuites() {
        #expect(SSLv2CipherKind(rawValue: 0x00_C02F).tlsCipherSuite == .ecdheRSAWithAES128GCMSHA256)
        #expect(SSLv2CipherKind.rc4128WithMD5.tlsCipherSuite == nil)
    }

    // MARK: The generated files are up to date

    /// Re-runs the generator in `--check` mode: it fails when someone edited a registry file or
    /// the generator without regenerating, or edited a generated file by hand.
    @Test func generatedFilesMatchTheRegistryFiles() throws {
        let root = try Self.repositoryRoot()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "Tests/Tools/gen-registries.py", "--check"]
        process.currentDirectoryURL = root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
    }

    /// The directory holding Package.swift, found by walking up from this file.
    static func repositoryRoot() throws -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        throw RepositoryNotFound()
    }

    struct RepositoryNotFound: Error {}
}
