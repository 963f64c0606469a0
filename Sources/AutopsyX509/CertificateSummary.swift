import AutopsyPackets
import Crypto
import Glibc
import SwiftASN1
import X509

/// What one certificate of a Certificate message says: the `certificates` objects of the flow
/// record (`spec/flow-record.md`), read with swift-certificates and swift-asn1.
///
/// A certificate that does not parse still gets a summary: `parseError` says why, `sha256` is
/// set, the strings are empty, the dates nil and the lists empty.
public struct CertificateSummary: Sendable, Hashable {
    /// The facts, in a box the summary's copies share until one of them changes a fact: a
    /// summary holds a dozen strings and lists, and the summaries of the same few
    /// certificates are copied flow after flow (into records, chain checks, diagnoses and
    /// reports), one retain a copy instead of one a string. Summaries are equal, and hash
    /// alike, when their facts are.
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// Lowercase hex SHA-256 of the DER bytes (Zeek's x509.log `fingerprint`).
    @inlinable public var sha256: String {
        _read { yield storage.box.value.sha256 }
        set {
            storage.makeUnique()
            storage.box.value.sha256 = newValue
        }
    }
    /// Why the certificate could not be read; nil when it was.
    @inlinable public var parseError: String? {
        _read { yield storage.box.value.parseError }
        set {
            storage.makeUnique()
            storage.box.value.parseError = newValue
        }
    }
    /// The subject as RFC 4514 text, most specific first: `CN=api.example.com,O=Example,C=US`.
    @inlinable public var subject: String {
        _read { yield storage.box.value.subject }
        set {
            storage.makeUnique()
            storage.box.value.subject = newValue
        }
    }
    /// The issuer, in the same form.
    @inlinable public var issuer: String {
        _read { yield storage.box.value.issuer }
        set {
            storage.makeUnique()
            storage.box.value.issuer = newValue
        }
    }
    /// The subject's most specific common name, if it has one.
    @inlinable public var commonName: String? {
        _read { yield storage.box.value.commonName }
        set {
            storage.makeUnique()
            storage.box.value.commonName = newValue
        }
    }
    /// dNSName entries of the subjectAltName extension, in certificate order.
    @inlinable public var sanDNS: [String] {
        _read { yield storage.box.value.sanDNS }
        set {
            storage.makeUnique()
            storage.box.value.sanDNS = newValue
        }
    }
    /// iPAddress entries of the subjectAltName extension as text (`192.0.2.1`, `2001:db8::1`).
    @inlinable public var sanIP: [String] {
        _read { yield storage.box.value.sanIP }
        set {
            storage.makeUnique()
            storage.box.value.sanIP = newValue
        }
    }
    /// Start of the validity period.
    @inlinable public var notBefore: Timestamp? {
        _read { yield storage.box.value.notBefore }
        set {
            storage.makeUnique()
            storage.box.value.notBefore = newValue
        }
    }
    /// End of the validity period (inclusive, RFC 5280 section 4.1.2.5).
    @inlinable public var notAfter: Timestamp? {
        _read { yield storage.box.value.notAfter }
        set {
            storage.makeUnique()
            storage.box.value.notAfter = newValue
        }
    }
    /// The serial number in lowercase hex, two digits a byte, without the leading zero bytes of
    /// its encoding (what OpenSSL's `i2a_ASN1_INTEGER`, and so Zeek, print; zero is `00`). A
    /// negative serial, which RFC 5280 forbids but the wild has, shows its two's complement bytes.
    @inlinable public var serial: String {
        _read { yield storage.box.value.serial }
        set {
            storage.makeUnique()
            storage.box.value.serial = newValue
        }
    }
    /// The X.509 version, 1 to 3.
    @inlinable public var version: Int {
        _read { yield storage.box.value.version }
        set {
            storage.makeUnique()
            storage.box.value.version = newValue
        }
    }
    /// The subject key: `RSA 2048`, `EC P-256`, `Ed25519`, `DSA 1024`, or an OID.
    @inlinable public var publicKey: String {
        _read { yield storage.box.value.publicKey }
        set {
            storage.makeUnique()
            storage.box.value.publicKey = newValue
        }
    }
    /// The size of the subject key in bits, where it has one.
    @inlinable public var publicKeyBits: Int? {
        _read { yield storage.box.value.publicKeyBits }
        set {
            storage.makeUnique()
            storage.box.value.publicKeyBits = newValue
        }
    }
    /// Whether the subject key is RSA (PKCS #1 or PSS), for the weak-key check.
    @inlinable public var isRSAKey: Bool {
        _read { yield storage.box.value.isRSAKey }
        set {
            storage.makeUnique()
            storage.box.value.isRSAKey = newValue
        }
    }
    /// The signature algorithm, OpenSSL's name: `sha256WithRSAEncryption`, `ecdsa-with-SHA256`.
    @inlinable public var signatureAlgorithm: String {
        _read { yield storage.box.value.signatureAlgorithm }
        set {
            storage.makeUnique()
            storage.box.value.signatureAlgorithm = newValue
        }
    }
    /// Subject equals issuer and the signature verifies with the certificate's own key. When no
    /// library here can check the signature (MD5, tiny keys), names and key identifiers decide and
    /// `notes` says so.
    @inlinable public var selfSigned: Bool {
        _read { yield storage.box.value.selfSigned }
        set {
            storage.makeUnique()
            storage.box.value.selfSigned = newValue
        }
    }
    /// basicConstraints says cA.
    @inlinable public var isCA: Bool {
        _read { yield storage.box.value.isCA }
        set {
            storage.makeUnique()
            storage.box.value.isCA = newValue
        }
    }
    /// subjectKeyIdentifier as lowercase hex.
    @inlinable public var subjectKeyIdentifier: String? {
        _read { yield storage.box.value.subjectKeyIdentifier }
        set {
            storage.makeUnique()
            storage.box.value.subjectKeyIdentifier = newValue
        }
    }
    /// The keyIdentifier of authorityKeyIdentifier as lowercase hex.
    @inlinable public var authorityKeyIdentifier: String? {
        _read { yield storage.box.value.authorityKeyIdentifier }
        set {
            storage.makeUnique()
            storage.box.value.authorityKeyIdentifier = newValue
        }
    }
    /// Things worth knowing that did not stop the summary: a malformed extension, an algorithm
    /// swift-certificates does not support (so signatures could not be checked through it).
    @inlinable public var notes: [String] {
        _read { yield storage.box.value.notes }
        set {
            storage.makeUnique()
            storage.box.value.notes = newValue
        }
    }

    /// The stored facts (the properties above read and change them).
    @usableFromInline struct Fields: Sendable, Hashable {
        @usableFromInline var sha256: String
        @usableFromInline var parseError: String?
        @usableFromInline var subject: String = ""
        @usableFromInline var issuer: String = ""
        @usableFromInline var commonName: String?
        @usableFromInline var sanDNS: [String] = []
        @usableFromInline var sanIP: [String] = []
        @usableFromInline var notBefore: Timestamp?
        @usableFromInline var notAfter: Timestamp?
        @usableFromInline var serial: String = ""
        @usableFromInline var version: Int = 0
        @usableFromInline var publicKey: String = ""
        @usableFromInline var publicKeyBits: Int?
        @usableFromInline var isRSAKey: Bool = false
        @usableFromInline var signatureAlgorithm: String = ""
        @usableFromInline var selfSigned: Bool = false
        @usableFromInline var isCA: Bool = false
        @usableFromInline var subjectKeyIdentifier: String?
        @usableFromInline var authorityKeyIdentifier: String?
        @usableFromInline var notes: [String] = []

        @usableFromInline init(sha256: String) { self.sha256 = sha256 }
    }

    /// A summary holding only the fingerprint and the reason.
    init(sha256: String, parseError: String) {
        storage = CopyOnWrite(wrappedValue: Fields(sha256: sha256))
        self.parseError = parseError
    }

    /// Whether two certificates are the same bytes, compared with `memcmp` (an array's
    /// element-wise `==` costs several instructions a byte; certificates recur in flow after
    /// flow and are compared whole).
    public static func sameDER(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard first.count == second.count else { return false }
        return first.withUnsafeBytes { one in
            second.withUnsafeBytes { two in
                guard let a = one.baseAddress, let b = two.baseAddress else { return true }
                return memcmp(a, b, one.count) == 0
            }
        }
    }

    /// Summarises one DER certificate. Never traps: a certificate that does not parse gives a
    /// summary with `parseError` and `sha256` only.
    public static func summarize(_ der: [UInt8]) -> CertificateSummary {
        let fingerprint = lowercaseHex(SHA256.hash(data: der))
        do {
            return CertificateSummary(try ParsedCertificate(der: der), sha256: fingerprint)
        } catch {
            return CertificateSummary(sha256: fingerprint, parseError: ParsedCertificate.reason(error))
        }
    }

    /// The summary of a parsed certificate.
    init(_ parsed: ParsedCertificate, sha256: String) {
        storage = CopyOnWrite(wrappedValue: Fields(sha256: sha256))
        subject = NameText.format(parsed.subject)
        issuer = NameText.format(parsed.issuer)
        commonName = NameText.commonName(parsed.subject)
        notBefore = Timestamp(seconds: parsed.notBefore, nanoseconds: 0)
        notAfter = Timestamp(seconds: parsed.notAfter, nanoseconds: 0)
        var serialBytes = parsed.serial
        while serialBytes.count > 1 && serialBytes.first == 0 { serialBytes.removeFirst() }
        serial = lowercaseHex(serialBytes)
        version = parsed.version + 1
        let key = AlgorithmNames.publicKey(
            algorithm: parsed.publicKeyAlgorithm, parameters: parsed.publicKeyParameters, key: parsed.publicKeyBytes)
        publicKey = key.text
        publicKeyBits = key.bits
        isRSAKey = key.kind == .rsa || key.kind == .rsaPSS
        signatureAlgorithm = AlgorithmNames.signature(parsed.signatureAlgorithm)
        readExtensions(parsed)
        if let reason = parsed.certificateError {
            notes.append("swift-certificates does not load it (\(reason)); signatures checked with swift-crypto")
        }
        selfSigned = Self.isSelfSigned(parsed, notes: &notes)
    }

    private mutating func readExtensions(_ parsed: ParsedCertificate) {
        if let san = parsed.extension(.X509ExtensionID.subjectAlternativeName) {
            do {
                for name in try SubjectAlternativeNames(san) {
                    switch name {
                    case .dnsName(let dns): sanDNS.append(dns)
                    case .ipAddress(let octets): sanIP.append(IPAddressText.format(octets.bytes))
                    default: break
                    }
                }
            } catch {
                notes.append("malformed subjectAltName: \(ParsedCertificate.reason(error))")
            }
        }
        if let constraints = parsed.extension(.X509ExtensionID.basicConstraints) {
            do {
                if case .isCertificateAuthority = try BasicConstraints(constraints) { isCA = true }
            } catch {
                notes.append("malformed basicConstraints: \(ParsedCertificate.reason(error))")
            }
        }
        if let ski = parsed.extension(.X509ExtensionID.subjectKeyIdentifier) {
            do {
                subjectKeyIdentifier = lowercaseHex(try SubjectKeyIdentifier(ski).keyIdentifier)
            } catch {
                notes.append("malformed subjectKeyIdentifier: \(ParsedCertificate.reason(error))")
            }
        }
        if let aki = parsed.extension(.X509ExtensionID.authorityKeyIdentifier) {
            do {
                authorityKeyIdentifier = try AuthorityKeyIdentifier(aki).keyIdentifier.map { lowercaseHex($0) }
            } catch {
                notes.append("malformed authorityKeyIdentifier: \(ParsedCertificate.reason(error))")
            }
        }
    }

    /// Subject == issuer and the certificate's own key made its signature.
    private static func isSelfSigned(_ parsed: ParsedCertificate, notes: inout [String]) -> Bool {
        guard parsed.namesItself else { return false }
        if let verified = signatureVerifies(parsed, by: parsed) {
            if !verified { notes.append("names itself as issuer but its own key did not sign it") }
            return verified
        }
        let keyIDs = KeyIdentifiers(parsed)
        let consistent = keyIDs.authority == nil || keyIDs.subject == nil || keyIDs.authority == keyIDs.subject
        notes.append("self-signed judged by name and key identifiers only: the signature cannot be checked")
        return consistent
    }
}

/// The subject and authority key identifiers of a certificate, raw.
struct KeyIdentifiers {
    var subject: ArraySlice<UInt8>?
    var authority: ArraySlice<UInt8>?

    init(_ parsed: ParsedCertificate) {
        subject = parsed.extension(.X509ExtensionID.subjectKeyIdentifier).flatMap {
            try? SubjectKeyIdentifier($0).keyIdentifier
        }
        authority = parsed.extension(.X509ExtensionID.authorityKeyIdentifier).flatMap {
            try? AuthorityKeyIdentifier($0).keyIdentifier
        }
    }
}
