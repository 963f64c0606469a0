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
    /// Lowercase hex SHA-256 of the DER bytes (Zeek's x509.log `fingerprint`).
    public var sha256: String
    /// Why the certificate could not be read; nil when it was.
    public var parseError: String?
    /// The subject as RFC 4514 text, most specific first: `CN=api.example.com,O=Example,C=US`.
    public var subject = ""
    /// The issuer, in the same form.
    public var issuer = ""
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
    public var serial = ""
    /// The X.509 version, 1 to 3.
    public var version = 0
    /// The subject key: `RSA 2048`, `EC P-256`, `Ed25519`, `DSA 1024`, or an OID.
    public var publicKey = ""
    /// The size of the subject key in bits, where it has one.
    public var publicKeyBits: Int?
    /// Whether the subject key is RSA (PKCS #1 or PSS), for the weak-key check.
    public var isRSAKey = false
    /// The signature algorithm, OpenSSL's name: `sha256WithRSAEncryption`, `ecdsa-with-SHA256`.
    public var signatureAlgorithm = ""
    /// Subject equals issuer and the signature verifies with the certificate's own key. When no
    /// library here can check the signature (MD5, tiny keys), names and key identifiers decide and
    /// `notes` says so.
    public var selfSigned = false
    /// basicConstraints says cA.
    public var isCA = false
    /// subjectKeyIdentifier as lowercase hex.
    public var subjectKeyIdentifier: String?
    /// The keyIdentifier of authorityKeyIdentifier as lowercase hex.
    public var authorityKeyIdentifier: String?
    /// Things worth knowing that did not stop the summary: a malformed extension, an algorithm
    /// swift-certificates does not support (so signatures could not be checked through it).
    public var notes: [String] = []

    /// A summary holding only the fingerprint and the reason.
    init(sha256: String, parseError: String) {
        self.sha256 = sha256
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
        self.sha256 = sha256
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
