import SwiftASN1
import X509

/// One certificate read field by field with swift-asn1 and swift-certificates' public types
/// (RFC 5280 section 4.1), so that certificates swift-certificates will not load as a whole
/// (an MD5 signature, an RSA key under 2048 bits, a DSA key) still get a summary.
/// `certificate` is swift-certificates' own parse, when it accepts the certificate; only it can be
/// handed to the `Verifier`.
struct ParsedCertificate: Sendable {
    var der: [UInt8]
    var tbsBytes: ArraySlice<UInt8>
    var version: Int
    var serial: ArraySlice<UInt8>
    var issuer: DistinguishedName
    var subject: DistinguishedName
    var notBefore: Int64
    var notAfter: Int64
    var publicKeyAlgorithm: ASN1ObjectIdentifier
    var publicKeyParameters: ASN1Node?
    var publicKeyBytes: ArraySlice<UInt8>
    var signatureAlgorithm: ASN1ObjectIdentifier
    var signatureBytes: ArraySlice<UInt8>
    var extensions: [Certificate.Extension]
    /// swift-certificates' parse, or nil with `certificateError` saying why it refused.
    var certificate: Certificate?
    var certificateError: String?

    /// Reads a DER certificate; throws with the reason when even the structure does not parse.
    init(der: [UInt8]) throws {
        self.der = der
        let root = try DER.parse(der)
        var tbsNode: ASN1Node?
        var signatureAlgorithm: ASN1ObjectIdentifier?
        var signatureBytes: ArraySlice<UInt8> = []
        try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next(), let algorithm = nodes.next(), let signature = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "Certificate: fewer than three elements")
            }
            tbsNode = tbs
            signatureAlgorithm = try Self.algorithm(algorithm).oid
            signatureBytes = try ASN1BitString(derEncoded: signature).bytes
        }
        guard let tbsNode, let signatureAlgorithm else {
            throw ASN1Error.invalidASN1Object(reason: "Certificate: missing elements")
        }
        self.tbsBytes = tbsNode.encodedBytes
        self.signatureAlgorithm = signatureAlgorithm
        self.signatureBytes = signatureBytes
        var fields = TBSFields()
        try DER.sequence(tbsNode, identifier: .sequence) { nodes in
            fields = try TBSFields(&nodes)
        }
        version = fields.version
        serial = fields.serial
        issuer = fields.issuer
        subject = fields.subject
        notBefore = fields.notBefore
        notAfter = fields.notAfter
        publicKeyAlgorithm = fields.keyAlgorithm
        publicKeyParameters = fields.keyParameters
        publicKeyBytes = fields.keyBytes
        extensions = fields.extensions
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            certificate = nil
            certificateError = Self.reason(error)
            let key = AlgorithmNames.publicKey(
                algorithm: publicKeyAlgorithm, parameters: publicKeyParameters, key: publicKeyBytes)
            if key.kind == .rsa, let bits = key.bits, bits < 2048 {
                certificateError = "an RSA key of \(bits) bits: swift-crypto accepts 2048 bits and more"
            }
        }
    }

    /// The fields of a TBSCertificate, in order.
    private struct TBSFields {
        var version = 0
        var serial: ArraySlice<UInt8> = []
        var issuer = DistinguishedName()
        var subject = DistinguishedName()
        var notBefore: Int64 = 0
        var notAfter: Int64 = 0
        var keyAlgorithm: ASN1ObjectIdentifier = [0, 0]
        var keyParameters: ASN1Node?
        var keyBytes: ArraySlice<UInt8> = []
        var extensions: [Certificate.Extension] = []

        init() {}

        init(_ nodes: inout ASN1NodeCollection.Iterator) throws {
            version =
                try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                    try Int(derEncoded: $0)
                } ?? 0
            guard (0...2).contains(version) else {
                throw ASN1Error.invalidASN1Object(reason: "X.509 version \(version + 1) is not 1, 2 or 3")
            }
            // The serial is kept as its raw content bytes: negative and zero-padded serials occur in the wild.
            guard let serialNode = nodes.next(), serialNode.identifier == .integer,
                case .primitive(let serialBytes) = serialNode.content
            else { throw ASN1Error.invalidASN1Object(reason: "TBSCertificate: serialNumber is not an INTEGER") }
            serial = serialBytes
            guard let innerAlgorithm = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "TBSCertificate: no signature algorithm")
            }
            _ = try ParsedCertificate.algorithm(innerAlgorithm)
            guard let issuerNode = nodes.next(), let validityNode = nodes.next(), let subjectNode = nodes.next(),
                let keyNode = nodes.next()
            else { throw ASN1Error.invalidASN1Object(reason: "TBSCertificate: fields missing") }
            issuer = try DistinguishedName(derEncoded: issuerNode)
            (notBefore, notAfter) = try DER.sequence(validityNode, identifier: .sequence) { times in
                guard let before = times.next(), let after = times.next() else {
                    throw ASN1Error.invalidASN1Object(reason: "Validity: two times expected")
                }
                return (try ParsedCertificate.time(before), try ParsedCertificate.time(after))
            }
            subject = try DistinguishedName(derEncoded: subjectNode)
            try DER.sequence(keyNode, identifier: .sequence) { keyNodes in
                guard let algorithm = keyNodes.next(), let key = keyNodes.next() else {
                    throw ASN1Error.invalidASN1Object(reason: "SubjectPublicKeyInfo: two elements expected")
                }
                (keyAlgorithm, keyParameters) = try ParsedCertificate.algorithm(algorithm)
                keyBytes = try ASN1BitString(derEncoded: key).bytes
            }
            for tag: UInt in [1, 2] {  // issuerUniqueID, subjectUniqueID: skipped
                var lookahead = nodes
                if let node = lookahead.next(),
                    node.identifier == ASN1Identifier(tagWithNumber: tag, tagClass: .contextSpecific)
                {
                    nodes = lookahead
                }
            }
            extensions =
                try DER.optionalExplicitlyTagged(&nodes, tagNumber: 3, tagClass: .contextSpecific) {
                    try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
                } ?? []
        }
    }

    /// An AlgorithmIdentifier (RFC 5280 section 4.1.1.2): the OID and its parameters, if any.
    static func algorithm(_ node: ASN1Node) throws -> (oid: ASN1ObjectIdentifier, parameters: ASN1Node?) {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            return (oid, nodes.next())
        }
    }

    /// A Time (RFC 5280 section 4.1.2.5) as seconds since the epoch.
    static func time(_ node: ASN1Node) throws -> Int64 {
        let fields: (year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int)
        switch node.identifier {
        case UTCTime.defaultIdentifier:
            let time = try UTCTime(derEncoded: node)
            fields = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        case GeneralizedTime.defaultIdentifier:
            let time = try GeneralizedTime(derEncoded: node)
            fields = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        default:
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
        guard
            let seconds = epochSeconds(
                year: fields.year, month: fields.month, day: fields.day, hours: fields.hours,
                minutes: fields.minutes, seconds: fields.seconds)
        else { throw ASN1Error.invalidASN1Object(reason: "Time out of range") }
        return seconds
    }

    /// The extension with this OID, if present (the first one when repeated).
    func `extension`(_ oid: ASN1ObjectIdentifier) -> Certificate.Extension? {
        extensions.first { $0.oid == oid }
    }

    /// Whether subject and issuer are the same name.
    var namesItself: Bool { subject == issuer }

    /// swift-asn1's and swift-certificates' errors print as `Type.code: reason File.swift:line`;
    /// keep `code: reason`.
    static func reason(_ error: any Error) -> String {
        var text = String(describing: error)
        for prefix in ["ASN1Error.", "CertificateError."] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
        }
        if let space = text.lastIndex(of: " "), text[space...].contains(".swift:") {
            text = String(text[..<space])
        }
        while text.hasSuffix(":") || text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
