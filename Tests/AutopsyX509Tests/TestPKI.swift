import AutopsyPackets
import AutopsyX509
import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Test PKIs built in code with swift-certificates, fixed dates, P-256 keys unless a test asks
/// for RSA.
struct Issued {
    var certificate: Certificate
    var key: Certificate.PrivateKey
    var der: [UInt8]
}

enum TestPKI {
    /// 2020-01-01T00:00:00Z.
    static let rootStart = date(2020, 1, 1)
    /// 2040-01-01T00:00:00Z.
    static let rootEnd = date(2040, 1, 1)
    /// The leaf's period: 2026-01-01 to 2027-01-01.
    static let leafStart = date(2026, 1, 1)
    static let leafEnd = date(2027, 1, 1)
    /// A capture inside every default period: 2026-03-01T12:00:00Z.
    static let captureTime = timestamp(2026, 3, 1, hour: 12)

    static func date(_ year: Int, _ month: Int, _ day: Int, hour: Int = 0) -> Date {
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour) = (year, month, day, hour)
        components.timeZone = TimeZone(identifier: "UTC")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    static func timestamp(_ year: Int, _ month: Int, _ day: Int, hour: Int = 0) -> Timestamp {
        timestamp(date(year, month, day, hour: hour))
    }

    static func timestamp(_ date: Date) -> Timestamp {
        Timestamp(seconds: Int64(date.timeIntervalSince1970.rounded(.down)), nanoseconds: 0)
    }

    static func name(_ commonName: String, organization: String? = nil) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName("US")
            if let organization { OrganizationName(organization) }
            CommonName(commonName)
        }
    }

    static func p256() -> Certificate.PrivateKey {
        Certificate.PrivateKey(P256.Signing.PrivateKey())
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// A self-signed CA.
    static func root(
        _ commonName: String = "Test Root CA", key: Certificate.PrivateKey = p256(), notBefore: Date = rootStart,
        notAfter: Date = rootEnd, signatureAlgorithm: Certificate.SignatureAlgorithm = .ecdsaWithSHA256
    ) throws -> Issued {
        let subject = try name(commonName, organization: "Autopsy Test PKI")
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x01]), publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: subject, subject: subject,
            signatureAlgorithm: signatureAlgorithm,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key)
        return Issued(certificate: certificate, key: key, der: try der(certificate))
    }

    /// A CA issued by `issuer`.
    static func intermediate(
        _ commonName: String = "Test Issuing CA", issuer: Issued, key: Certificate.PrivateKey = p256(),
        notBefore: Date = date(2021, 1, 1), notAfter: Date = date(2035, 1, 1)
    ) throws -> Issued {
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x02]), publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: issuer.certificate.subject,
            subject: try name(commonName, organization: "Autopsy Test PKI"), signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
                try authorityKeyIdentifier(of: issuer)
            },
            issuerPrivateKey: issuer.key)
        return Issued(certificate: certificate, key: key, der: try der(certificate))
    }

    /// A server certificate issued by `issuer`, with `dnsNames` (and `ipAddresses`) as SANs;
    /// none at all when both are empty.
    static func leaf(
        _ commonName: String = "api.example.test", dnsNames: [String]? = nil, ipAddresses: [[UInt8]] = [],
        issuer: Issued, key: Certificate.PrivateKey = p256(), publicKey: Certificate.PublicKey? = nil,
        notBefore: Date = leafStart, notAfter: Date = leafEnd,
        signatureAlgorithm: Certificate.SignatureAlgorithm = .ecdsaWithSHA256
    ) throws -> Issued {
        let names: [GeneralName] =
            (dnsNames ?? [commonName]).map { .dnsName($0) }
            + ipAddresses.map { .ipAddress(ASN1OctetString(contentBytes: $0[...])) }
        let subjectKey = publicKey ?? key.publicKey
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x0a, 0x1b, 0x2c]), publicKey: subjectKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: issuer.certificate.subject,
            subject: try name(commonName, organization: "Example"), signatureAlgorithm: signatureAlgorithm,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectKeyIdentifier(hash: subjectKey)
                try authorityKeyIdentifier(of: issuer)
                if !names.isEmpty { SubjectAlternativeNames(names) }
            },
            issuerPrivateKey: issuer.key)
        return Issued(certificate: certificate, key: key, der: try der(certificate))
    }

    static func authorityKeyIdentifier(of issuer: Issued) throws -> AuthorityKeyIdentifier {
        AuthorityKeyIdentifier(keyIdentifier: try issuer.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
    }

    /// Root -> intermediate -> leaf, plus a trust store holding the root.
    struct Chain {
        var root: Issued
        var intermediate: Issued
        var leaf: Issued
        var store: TrustStore { TrustStore(derCertificates: [root.der]) }
        var sent: [[UInt8]] { [leaf.der, intermediate.der] }
    }

    static func chain(leafNames: [String]? = nil, leafName: String = "api.example.test") throws -> Chain {
        let root = try root()
        let intermediate = try intermediate(issuer: root)
        let leaf = try leaf(leafName, dnsNames: leafNames, issuer: intermediate)
        return Chain(root: root, intermediate: intermediate, leaf: leaf)
    }
}
