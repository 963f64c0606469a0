import AutopsyPackets
import AutopsyX509
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
import _CryptoExtras

@Suite struct SummaryTests {
    @Test func leafSummaryHasTheFlowRecordFields() throws {
        let chain = try TestPKI.chain(leafNames: ["api.example.test", "www.example.test"])
        let summary = CertificateSummary.summarize(chain.leaf.der)
        #expect(summary.parseError == nil)
        #expect(summary.subject == "CN=api.example.test,O=Example,C=US")
        #expect(summary.issuer == "CN=Test Issuing CA,O=Autopsy Test PKI,C=US")
        #expect(summary.commonName == "api.example.test")
        #expect(summary.sanDNS == ["api.example.test", "www.example.test"])
        #expect(summary.sanIP.isEmpty)
        #expect(summary.notBefore == Timestamp(seconds: 1_767_225_600, nanoseconds: 0))  // 2026-01-01
        #expect(summary.notAfter == Timestamp(seconds: 1_798_761_600, nanoseconds: 0))  // 2027-01-01
        #expect(summary.serial == "0a1b2c")
        #expect(summary.version == 3)
        #expect(summary.sha256 == SHA256.hash(data: chain.leaf.der).map { String(format: "%02x", $0) }.joined())
        #expect(summary.publicKey == "EC P-256")
        #expect(summary.publicKeyBits == 256)
        #expect(summary.signatureAlgorithm == "ecdsa-with-SHA256")
        #expect(!summary.selfSigned)
        #expect(!summary.isCA)
        let intermediate = CertificateSummary.summarize(chain.intermediate.der)
        #expect(summary.authorityKeyIdentifier != nil)
        #expect(summary.authorityKeyIdentifier == intermediate.subjectKeyIdentifier)
        #expect(intermediate.isCA)
        #expect(summary.notes.isEmpty)
    }

    @Test func rootIsSelfSignedCA() throws {
        let root = try TestPKI.root()
        let summary = CertificateSummary.summarize(root.der)
        #expect(summary.selfSigned)
        #expect(summary.isCA)
        #expect(summary.subject == summary.issuer)
    }

    @Test func sameNameButAnotherKeyIsNotSelfSigned() throws {
        let root = try TestPKI.root()
        // Issued by the root to a subject with the root's own name, but a different key.
        let impostorKey = TestPKI.p256()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [9]), publicKey: impostorKey.publicKey,
            notValidBefore: TestPKI.rootStart, notValidAfter: TestPKI.rootEnd, issuer: root.certificate.subject,
            subject: root.certificate.subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions(), issuerPrivateKey: root.key)
        let summary = CertificateSummary.summarize(try TestPKI.der(certificate))
        #expect(!summary.selfSigned)
        #expect(summary.notes.contains { $0.contains("did not sign") })
    }

    @Test func rsaKeysAndSHA1Signatures() throws {
        let rsaKey = Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        let root = try TestPKI.root("RSA Root", key: rsaKey, signatureAlgorithm: .sha256WithRSAEncryption)
        let rootSummary = CertificateSummary.summarize(root.der)
        #expect(rootSummary.publicKey == "RSA 2048")
        #expect(rootSummary.isRSAKey)
        #expect(rootSummary.signatureAlgorithm == "sha256WithRSAEncryption")
        #expect(rootSummary.selfSigned)
        let leaf = try TestPKI.leaf(issuer: root, signatureAlgorithm: .sha1WithRSAEncryption)
        let leafSummary = CertificateSummary.summarize(leaf.der)
        #expect(leafSummary.signatureAlgorithm == "sha1WithRSAEncryption")
        #expect(leafSummary.parseError == nil)
    }

    @Test func shortRSAKeyStillSummarised() throws {
        let root = try TestPKI.root()
        let weak = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        let leaf = try TestPKI.leaf(issuer: root, publicKey: Certificate.PublicKey(weak.publicKey))
        let summary = CertificateSummary.summarize(leaf.der)
        #expect(summary.parseError == nil)
        #expect(summary.publicKey == "RSA 1024")
        #expect(summary.publicKeyBits == 1024)
        #expect(summary.subject == "CN=api.example.test,O=Example,C=US")
        // swift-certificates refuses RSA keys under 2048 bits; the summary says so.
        #expect(summary.notes.contains { $0.contains("swift-certificates does not load it") })
    }

    @Test func ipAddressSANs() throws {
        let root = try TestPKI.root()
        let v6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        let leaf = try TestPKI.leaf("192.0.2.1", dnsNames: [], ipAddresses: [[192, 0, 2, 1], v6], issuer: root)
        let summary = CertificateSummary.summarize(leaf.der)
        #expect(summary.sanIP == ["192.0.2.1", "2001:db8::1"])
        #expect(summary.sanDNS.isEmpty)
    }

    @Test func namesAreEscapedAsRFC4514() throws {
        let key = TestPKI.p256()
        let subject = try DistinguishedName {
            CountryName("US")
            OrganizationName("Example, Inc.")
            CommonName(" #odd+name ")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [1]), publicKey: key.publicKey,
            notValidBefore: TestPKI.rootStart, notValidAfter: TestPKI.rootEnd, issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: Certificate.Extensions(), issuerPrivateKey: key)
        let summary = CertificateSummary.summarize(try TestPKI.der(certificate))
        #expect(summary.subject == #"CN=\ #odd\+name\ ,O=Example\, Inc.,C=US"#)
        #expect(summary.commonName == " #odd+name ")
    }

    /// String types swift-certificates keeps opaque: read as their encodings say, controls escaped.
    @Test func otherStringTypes() throws {
        func value(_ der: [UInt8]) throws -> ASN1Any { ASN1Any(derEncoded: try DER.parse(der)) }
        let key = TestPKI.p256()
        let subject = DistinguishedName([
            RelativeDistinguishedName(
                RelativeDistinguishedName.Attribute(
                    type: .RDNAttributeType.organizationName, value: try value([0x14, 0x02, 0x4d, 0xfc]))),
            RelativeDistinguishedName(
                RelativeDistinguishedName.Attribute(
                    type: .RDNAttributeType.organizationalUnitName,
                    value: try value([0x1e, 0x04, 0x00, 0x4b, 0x04, 0x10]))),
            RelativeDistinguishedName(
                RelativeDistinguishedName.Attribute(
                    type: .RDNAttributeType.commonName, value: try value([0x13, 0x05, 0x54, 0x4c, 0x00, 0x20, 0x41]))),
            RelativeDistinguishedName(
                RelativeDistinguishedName.Attribute(type: [1, 2, 3, 4], value: try value([0x02, 0x01, 0x05]))),
        ])
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [1]), publicKey: key.publicKey,
            notValidBefore: TestPKI.rootStart, notValidAfter: TestPKI.rootEnd, issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: Certificate.Extensions(), issuerPrivateKey: key)
        let summary = CertificateSummary.summarize(try TestPKI.der(certificate))
        #expect(summary.subject == #"1.2.3.4=#020105,CN=TL\00 A,OU=KА,O=Mü"#)
        #expect(summary.commonName == "TL\u{0} A")
    }

    @Test(arguments: [[UInt8](), [0x30], [0x30, 0x00], [0x02, 0x01, 0x00], Array(repeating: 0xFF, count: 40)])
    func garbageGivesAParseError(bytes: [UInt8]) {
        let summary = CertificateSummary.summarize(bytes)
        #expect(summary.parseError != nil)
        #expect(summary.sha256.count == 64)
        #expect(summary.subject.isEmpty && summary.notBefore == nil && summary.sanDNS.isEmpty)
    }

    /// Cuts valid certificates at every length: a parse error each time, never a trap.
    @Test func truncationSweep() throws {
        let chain = try TestPKI.chain()
        var samples = [chain.leaf.der, chain.root.der]
        if let real = CorpusCertificates.first() { samples.append(real) }
        for der in samples {
            for length in 0..<der.count {
                let summary = CertificateSummary.summarize(Array(der[..<length]))
                #expect(summary.parseError != nil, "length \(length) of \(der.count) parsed")
                #expect(summary.sha256.count == 64)
            }
            #expect(CertificateSummary.summarize(der).parseError == nil)
        }
    }

    /// Rewrites every byte of a certificate to a few values: whatever the summary says, no trap.
    @Test func byteRewriteSweep() throws {
        let chain = try TestPKI.chain()
        let der = chain.leaf.der
        var parsed = 0
        for index in der.indices {
            for value: UInt8 in [0x00, 0x7F, 0x80, 0xFF] where der[index] != value {
                var mutated = der
                mutated[index] = value
                if CertificateSummary.summarize(mutated).parseError == nil { parsed += 1 }
            }
        }
        #expect(parsed > 0)
    }
}
