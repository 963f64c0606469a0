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
@dynamicMemberLookup
public struct CertificateSummary: Sendable, Hashable {
    /// The facts, in a box the summary's copies share until one of them changes a fact: a
    /// summary holds a dozen strings and lists, and the summaries of the same few
    /// certificates are copied flow after flow (into records, chain checks, diagnoses and
    /// reports), one retain a copy instead of one a string. Summaries are equal, and hash
    /// alike, when their facts are.
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// What a summary says, one property per fact (read and changed as the summary's own:
    /// `summary.subject`).
    public struct Fields: Sendable, Hashable {
        /// Lowercase hex SHA-256 of the DER bytes (Zeek's x509.log `fingerprint`).
        public var sha256: String
        /// Why the certificate could not be read; nil when it was.
        public var parseError: String?
        /// The subject as RFC 4514 text, most specific first: `CN=api.example.com,O=Example,C=US`.
        public var subject: String = ""
        /// The issuer, in the same form.
        public var issuer: String = ""
        /// The subject's most specific common name, if it has one.
        public var commonName: String?
        /// dNSName entries of the subjectAltName extension, in certificate order.
        public var sanDNS: [String] = []
        /// iPAddress entries of the subjectAltName extension as text (`192.0.2.1`, `2001:db8::1`).
        public var sanIP: [String] = []
        /// Start of the validity period.
        public var notBefore: Timestamp?
        /// End of the validity period (inclusive, RFC 5280 section 4.1.2.5).
        public var notAfter: Timestamp?
        /// The serial number in lowercase hex, two digits a byte, without the leading zero bytes of
        /// its encoding (what OpenSSL's `i2a_ASN1_INTEGER`, and so Zeek, print; zero is `00`). A
        /// negative serial, which RFC 5280 forbids but the wild has, shows its two's complement bytes.
        public var serial: String = ""
        /// The X.509 version, 1 to 3.
        public var version: Int = 0
        /// The subject key: `RSA 2048`, `EC P-256`, `Ed25519`, `DSA 1024`, or an OID.
        public var publicKey: String = ""
        /// The size of the subject key in bits, where it has one.
        public var publicKeyBits: Int?
        /// Whether the subject key is RSA (PKCS #1 or PSS), for the weak-key check.
        public var isRSAKey: Bool = false
        /// The signature algorithm, OpenSSL's name: `sha256WithRSAEncryption`, `ecdsa-with-SHA256`.
        public var signatureAlgorithm: String = ""
        /// Subject equals issuer and the signature verifies with the certificate's own key. When no
        /// library here can check the signature (MD5, tiny keys), names and key identifiers decide and
        /// `notes` says so.
        public var selfSigned: Bool = false
        /// basicConstraints says cA.
        public var isCA: Bool = false
        /// subjectKeyIdentifier as lowercase hex.
        public var subjectKeyIdentifier: String?
        /// The keyIdentifier of authorityKeyIdentifier as lowercase hex.
        public var authorityKeyIdentifier: String?
        /// Things worth knowing that did not stop the summary: a malformed extension, an algorithm
        /// swift-certificates does not support (so signatures could not be checked through it).
        public var notes: [String] = []

        @usableFromInline init(sha256: String) { self.sha256 = sha256 }
    }

    /// A fact by name (`summary.subject`): read in place, and changed in place once the box
    /// is this value's alone (copied first when shared).
    @inlinable public subscript<Fact>(dynamicMember path: WritableKeyPath<Fields, Fact>) -> Fact {
        _read { yield storage.box.value[keyPath: path] }
        _modify {
            storage.makeUnique()
            yield &storage.box.value[keyPath: path]
        }
    }

    /// A summary holding only the fingerprint and the reason.
    init(sha256: String, parseError: String) {
        storage = CopyOnWrite(wrappedValue: Fields(sha256: sha256))
        self.parseError = parseError
    }

    /// Whether two certificates are the same bytes: the same buffer (a certificate met
    /// lately is parsed into the array kept for it, `RecentCertificates`), else compared
    /// with `memcmp` (an array's element-wise `==` costs several instructions a byte;
    /// certificates recur in flow after flow and are compared whole).
    public static func sameDER(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard first.count == second.count else { return false }
        return first.withUnsafeBytes { one in
            second.withUnsafeBytes { two in
                guard let a = one.baseAddress, let b = two.baseAddress else { return true }
                return a == b || memcmp(a, b, one.count) == 0
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

    /// The summary of a parsed certificate: its facts read whole, then boxed once.
    init(_ parsed: ParsedCertificate, sha256: String) {
        storage = CopyOnWrite(wrappedValue: Fields(parsed, sha256: sha256))
    }

    /// Subject == issuer and the certificate's own key made its signature.
    fileprivate static func isSelfSigned(_ parsed: ParsedCertificate, notes: inout [String]) -> Bool {
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

extension CertificateSummary.Fields {
    /// The facts of a parsed certificate.
    init(_ parsed: ParsedCertificate, sha256: String) {
        self.init(sha256: sha256)
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
        selfSigned = CertificateSummary.isSelfSigned(parsed, notes: &notes)
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
