import AutopsyPackets
import AutopsyX509
import Foundation
import Testing
import X509
import _CryptoExtras

@Suite struct ChainTests {
    private func assess(
        _ chain: [[UInt8]], store: TrustStore, name: String? = "api.example.test",
        at time: Timestamp = TestPKI.captureTime
    ) async -> ChainAssessment {
        await CertificateChecker(trustStore: store).assess(chain: chain, name: name, at: time)
    }

    @Test func validChain() async throws {
        let pki = try TestPKI.chain()
        let result = await assess(pki.sent, store: pki.store)
        #expect(result.trusted, "\(result.verifierError ?? "")")
        #expect(result.trustedIgnoringValidity)
        #expect(result.verifierError == nil)
        #expect(result.anchor == "CN=Test Root CA,O=Autopsy Test PKI,C=US")
        #expect(result.findings.isEmpty)
        #expect(result.order == .ordered)
        #expect(result.path == [0, 1])
        #expect(result.links[0].issuerIndex == 1 && result.links[0].signatureVerified == true)
        #expect(result.links[1].issuedByAnchor == "CN=Test Root CA,O=Autopsy Test PKI,C=US")
        #expect(result.links[1].signatureVerified == true)
        #expect(result.missingIntermediate == nil && result.untrustedRoot == nil)
        #expect(result.nameMatch == .matchesSAN)
        #expect(
            result.certificates.map(\.subject) == [
                "CN=api.example.test,O=Example,C=US", "CN=Test Issuing CA,O=Autopsy Test PKI,C=US",
            ])
    }

    @Test func rootSentToo() async throws {
        let pki = try TestPKI.chain()
        let result = await assess(pki.sent + [pki.root.der], store: pki.store)
        #expect(result.trusted)
        #expect(result.order == .ordered)
        #expect(result.links[2].isAnchor && result.links[2].selfSigned)
        #expect(result.untrustedRoot == nil && result.missingIntermediate == nil)
    }

    /// The leaf expires 30 days from now; at a capture 400 days from now it is expired, whatever today says.
    @Test func expiredAtCaptureTimeThoughValidToday() async throws {
        let now = Date()
        let root = try TestPKI.root()
        let intermediate = try TestPKI.intermediate(issuer: root)
        let leaf = try TestPKI.leaf(
            issuer: intermediate, notBefore: now.addingTimeInterval(-86_400),
            notAfter: now.addingTimeInterval(30 * 86_400))
        let store = TrustStore(derCertificates: [root.der])
        let later = TestPKI.timestamp(now.addingTimeInterval(400 * 86_400))
        let result = await assess([leaf.der, intermediate.der], store: store, at: later)
        #expect(
            result.findings(at: 0).map(\.kind) == [.expired(notAfter: try #require(result.certificates[0].notAfter))])
        #expect(!result.trusted)
        #expect(result.trustedIgnoringValidity)
        #expect(result.verifierError?.contains("has expired") == true, "\(result.verifierError ?? "")")
        #expect(result.verifierError?.contains("'CN=api.example.test") == true)
        // And today it is fine.
        let today = await assess([leaf.der, intermediate.der], store: store, at: TestPKI.timestamp(now))
        #expect(today.trusted)
        #expect(today.findings(at: 0).allSatisfy { $0.isWarning })
    }

    /// A leaf of 2015, long expired today, judged at a capture of 2015: valid.
    @Test func validAtCaptureTimeThoughExpiredToday() async throws {
        let root = try TestPKI.root(notBefore: TestPKI.date(2010, 1, 1))
        let intermediate = try TestPKI.intermediate(issuer: root, notBefore: TestPKI.date(2011, 1, 1))
        let leaf = try TestPKI.leaf(
            issuer: intermediate, notBefore: TestPKI.date(2015, 1, 1), notAfter: TestPKI.date(2016, 1, 1))
        let store = TrustStore(derCertificates: [root.der])
        let result = await assess([leaf.der, intermediate.der], store: store, at: TestPKI.timestamp(2015, 6, 1))
        #expect(result.trusted, "\(result.verifierError ?? "")")
        #expect(result.findings.isEmpty)
        let today = await assess([leaf.der, intermediate.der], store: store, at: TestPKI.timestamp(Date()))
        #expect(!today.trusted)
        #expect(today.findings(at: 0).map(\.kind) == [.expired(notAfter: TestPKI.timestamp(2016, 1, 1))])
    }

    @Test func notYetValid() async throws {
        let pki = try TestPKI.chain()
        let result = await assess(pki.sent, store: pki.store, at: TestPKI.timestamp(2025, 6, 1))
        #expect(result.findings(at: 0).map(\.kind) == [.notYetValid(notBefore: TestPKI.timestamp(2026, 1, 1))])
        #expect(!result.trusted)
        #expect(result.trustedIgnoringValidity)
        #expect(result.verifierError?.contains("not yet valid") == true)
    }

    @Test func expiringSoon() async throws {
        let pki = try TestPKI.chain()
        let result = await assess(pki.sent, store: pki.store, at: TestPKI.timestamp(2026, 12, 15))
        #expect(result.findings.map(\.kind) == [.expiringSoon(notAfter: TestPKI.timestamp(2027, 1, 1), days: 17)])
        #expect(result.findings.allSatisfy { $0.isWarning })
        #expect(result.trusted)
    }

    @Test func nameMismatchAndWildcards() async throws {
        let pki = try TestPKI.chain()
        #expect(await assess(pki.sent, store: pki.store, name: "www.example.test").nameMatch == .mismatch)
        #expect(await assess(pki.sent, store: pki.store, name: nil).nameMatch == nil)
        let wildcard = try TestPKI.leaf("*.example.test", issuer: pki.intermediate)
        let chain = [wildcard.der, pki.intermediate.der]
        #expect(await assess(chain, store: pki.store, name: "a.example.test").nameMatch == .matchesWildcard)
        #expect(await assess(chain, store: pki.store, name: "a.b.example.test").nameMatch == .mismatch)
        #expect(await assess(chain, store: pki.store, name: "example.test").nameMatch == .mismatch)
    }

    @Test func commonNameOnly() async throws {
        let pki = try TestPKI.chain()
        let cnOnly = try TestPKI.leaf("api.example.test", dnsNames: [], issuer: pki.intermediate)
        let result = await assess([cnOnly.der, pki.intermediate.der], store: pki.store)
        #expect(result.nameMatch == .cnOnlyMatch)
        #expect(result.certificates[0].sanDNS.isEmpty)
    }

    @Test func selfSignedLeaf() async throws {
        let key = TestPKI.p256()
        let subject = try TestPKI.name("api.example.test")
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [7]), publicKey: key.publicKey,
            notValidBefore: TestPKI.leafStart, notValidAfter: TestPKI.leafEnd, issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { SubjectAlternativeNames([.dnsName("api.example.test")]) },
            issuerPrivateKey: key)
        let der = try TestPKI.der(certificate)
        let pki = try TestPKI.chain()
        let result = await assess([der], store: pki.store)
        #expect(result.certificates[0].selfSigned)
        #expect(result.untrustedRoot == "CN=api.example.test,C=US")
        #expect(result.missingIntermediate == nil)
        #expect(!result.trusted && !result.trustedIgnoringValidity)
        #expect(result.verifierError != nil)
        #expect(result.nameMatch == .matchesSAN)
        // Trusted once it is itself an anchor.
        let pinned = await assess([der], store: TrustStore(derCertificates: [der]))
        #expect(pinned.trusted)
        #expect(pinned.untrustedRoot == nil)
    }

    @Test func privateRootNotInTheStore() async throws {
        let pki = try TestPKI.chain()
        let other = try TestPKI.root("Some Other Root")
        let result = await assess(pki.sent + [pki.root.der], store: TrustStore(derCertificates: [other.der]))
        #expect(result.untrustedRoot == "CN=Test Root CA,O=Autopsy Test PKI,C=US")
        #expect(result.missingIntermediate == nil)
        #expect(!result.trusted && !result.trustedIgnoringValidity)
        #expect(result.verifierError?.contains("no chain to a trust anchor") == true, "\(result.verifierError ?? "")")
        #expect(result.order == .ordered)
        let empty = await assess(pki.sent + [pki.root.der], store: .empty)
        #expect(empty.verifierError == "no chain to a trust anchor: the trust store is empty")
    }

    @Test func missingIntermediate() async throws {
        let pki = try TestPKI.chain()
        let result = await assess([pki.leaf.der], store: pki.store)
        #expect(result.missingIntermediate == "CN=Test Issuing CA,O=Autopsy Test PKI,C=US")
        #expect(result.untrustedRoot == nil)
        #expect(!result.trusted && !result.trustedIgnoringValidity)
        #expect(result.links[0].issuerIndex == nil && result.links[0].issuedByAnchor == nil)
        // The intermediate as an anchor completes it.
        let withIntermediate = await assess(
            [pki.leaf.der], store: TrustStore(derCertificates: [pki.root.der, pki.intermediate.der]))
        #expect(withIntermediate.missingIntermediate == nil)
        #expect(withIntermediate.trusted)
    }

    @Test func outOfOrderAndUnrelated() async throws {
        let pki = try TestPKI.chain()
        let reordered = await assess([pki.leaf.der, pki.root.der, pki.intermediate.der], store: pki.store)
        #expect(reordered.order == .outOfOrder)
        #expect(reordered.path == [0, 2, 1])
        #expect(reordered.trusted)
        let stray = try TestPKI.root("Stray CA")
        let extra = await assess(pki.sent + [stray.der], store: pki.store)
        #expect(extra.order == .unrelated([2]))
        #expect(extra.trusted)
    }

    @Test func sha1Signature() async throws {
        let rsaKey = Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        let root = try TestPKI.root("RSA Root", key: rsaKey, signatureAlgorithm: .sha1WithRSAEncryption)
        let leaf = try TestPKI.leaf(issuer: root, signatureAlgorithm: .sha1WithRSAEncryption)
        let result = await assess([leaf.der], store: TrustStore(derCertificates: [root.der]))
        #expect(result.findings.map(\.kind) == [.sha1Signature])
        #expect(result.links[0].signatureVerified == true)
        #expect(result.trusted, "\(result.verifierError ?? "")")
        // The root's own SHA-1 self-signature is not a finding when it is sent.
        let sent = await assess([leaf.der, root.der], store: TrustStore(derCertificates: [root.der]))
        #expect(sent.findings.map(\.index) == [0])
    }

    @Test func shortRSAKey() async throws {
        let pki = try TestPKI.chain()
        let weak = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        let leaf = try TestPKI.leaf(issuer: pki.intermediate, publicKey: Certificate.PublicKey(weak.publicKey))
        let result = await assess([leaf.der, pki.intermediate.der], store: pki.store)
        #expect(result.findings.map(\.kind) == [.weakRSA(bits: 1024)])
        // swift-certificates will not load the leaf, so the verifier says so; the link is still checked.
        #expect(!result.trusted)
        #expect(result.verifierError?.contains("cannot load the leaf") == true)
        #expect(result.links[0].issuerIndex == 1 && result.links[0].signatureVerified == true)
        #expect(result.nameMatch == .matchesSAN)
    }

    @Test func unparseableCertificateInTheChain() async throws {
        let pki = try TestPKI.chain()
        let broken = Array(pki.intermediate.der.prefix(100))
        let result = await assess([pki.leaf.der, broken], store: pki.store)
        #expect(result.certificates[1].parseError != nil)
        if case .unparseable = result.findings(at: 1).first?.kind {} else { Issue.record("no unparseable finding") }
        #expect(result.missingIntermediate == "CN=Test Issuing CA,O=Autopsy Test PKI,C=US")
        #expect(!result.trusted)
        let empty = await assess([], store: pki.store)
        #expect(!empty.trusted && empty.certificates.isEmpty && empty.path.isEmpty)
    }
}
