import SwiftASN1

/// Names of signature and public-key algorithms, OpenSSL's long names (`OBJ_nid2ln`) as Zeek's
/// x509.log prints them; the dotted OID for anything else.
enum AlgorithmNames {
    /// The hash a signature algorithm uses, when it is one of the broken ones.
    enum WeakHash: Sendable {
        case md2, md5, sha1
    }

    private static let signatureNames: [String: String] = [
        "1.2.840.113549.1.1.2": "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10": "rsassaPss",
        "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
        "1.3.14.3.2.29": "sha1WithRSA",
        "1.2.840.10045.4.1": "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1": "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
        "1.2.840.10040.4.3": "dsaWithSHA1",
        "2.16.840.1.101.3.4.3.1": "dsa_with_SHA224",
        "2.16.840.1.101.3.4.3.2": "dsa_with_SHA256",
        "1.3.101.112": "ED25519",
        "1.3.101.113": "ED448",
    ]

    /// The OpenSSL name of a signature algorithm.
    static func signature(_ oid: ASN1ObjectIdentifier) -> String {
        signatureNames[oid.description] ?? oid.description
    }

    /// The broken hash a signature algorithm relies on, if any. Asked of every certificate of
    /// every flow, so the identifier is compared as it is (bytes), not spelled out first.
    static func weakHash(_ oid: ASN1ObjectIdentifier) -> WeakHash? {
        weakHashes.first { $0.oid == oid }?.hash
    }

    private static let weakHashes: [(oid: ASN1ObjectIdentifier, hash: WeakHash)] = [
        ([1, 2, 840, 113_549, 1, 1, 2], .md2),  // md2WithRSAEncryption
        ([1, 2, 840, 113_549, 1, 1, 4], .md5),  // md5WithRSAEncryption
        ([1, 2, 840, 113_549, 1, 1, 5], .sha1),  // sha1WithRSAEncryption
        ([1, 3, 14, 3, 2, 29], .sha1),  // sha1WithRSASignature (OIW)
        ([1, 2, 840, 10_045, 4, 1], .sha1),  // ecdsa-with-SHA1
        ([1, 2, 840, 10_040, 4, 3], .sha1),  // dsa-with-sha1
    ]

    /// Named curves: the name we print and the size in bits.
    private static let curves: [String: (name: String, bits: Int)] = [
        "1.2.840.10045.3.1.7": ("P-256", 256),
        "1.3.132.0.34": ("P-384", 384),
        "1.3.132.0.35": ("P-521", 521),
        "1.3.132.0.33": ("P-224", 224),
        "1.2.840.10045.3.1.1": ("P-192", 192),
        "1.3.132.0.10": ("secp256k1", 256),
        "1.3.36.3.3.2.8.1.1.7": ("brainpoolP256r1", 256),
        "1.3.36.3.3.2.8.1.1.11": ("brainpoolP384r1", 384),
        "1.3.36.3.3.2.8.1.1.13": ("brainpoolP512r1", 512),
        "1.2.156.10197.1.301": ("SM2", 256),
    ]

    /// The kind of a subject public key.
    enum KeyKind: Sendable, Hashable {
        case rsa, rsaPSS, ec, ed25519, ed448, x25519, x448, dsa, other
    }

    /// Describes a SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7): "RSA 2048", "EC P-256",
    /// "Ed25519"; the key size in bits where it has one.
    static func publicKey(
        algorithm: ASN1ObjectIdentifier, parameters: ASN1Node?, key: ArraySlice<UInt8>
    ) -> (text: String, kind: KeyKind, bits: Int?) {
        switch algorithm.description {
        case "1.2.840.113549.1.1.1":
            let bits = rsaModulusBits(key)
            return ("RSA" + (bits.map { " \($0)" } ?? ""), .rsa, bits)
        case "1.2.840.113549.1.1.10":
            let bits = rsaModulusBits(key)
            return ("RSA-PSS" + (bits.map { " \($0)" } ?? ""), .rsaPSS, bits)
        case "1.2.840.10045.2.1":
            guard let parameters else { return ("EC", .ec, nil) }
            guard let curve = try? ASN1ObjectIdentifier(derEncoded: parameters) else {
                return ("EC (explicit parameters)", .ec, nil)
            }
            if let known = curves[curve.description] {
                return ("EC \(known.name)", .ec, known.bits)
            }
            return ("EC \(curve.description)", .ec, nil)
        case "1.3.101.112": return ("Ed25519", .ed25519, 256)
        case "1.3.101.113": return ("Ed448", .ed448, 456)
        case "1.3.101.110": return ("X25519", .x25519, 256)
        case "1.3.101.111": return ("X448", .x448, 448)
        case "1.2.840.10040.4.1":
            let bits = parameters.flatMap(dsaPrimeBits)
            return ("DSA" + (bits.map { " \($0)" } ?? ""), .dsa, bits)
        default:
            return (algorithm.description, .other, nil)
        }
    }

    /// Bits of the modulus of an RSAPublicKey (RFC 8017 appendix A.1.1).
    private static func rsaModulusBits(_ key: ArraySlice<UInt8>) -> Int? {
        guard let node = try? DER.parse(key) else { return nil }
        return try? DER.sequence(node, identifier: .sequence) { nodes in
            guard let modulus = nodes.next(), case .primitive(let bytes) = modulus.content else {
                throw ASN1Error.invalidASN1Object(reason: "RSAPublicKey without a modulus")
            }
            _ = nodes.next()
            return integerBits(bytes)
        }
    }

    /// Bits of p in Dss-Parms (RFC 3279 section 2.3.2).
    private static func dsaPrimeBits(_ parameters: ASN1Node) -> Int? {
        guard case .constructed(let nodes) = parameters.content else { return nil }
        var iterator = nodes.makeIterator()
        guard let prime = iterator.next(), case .primitive(let bytes) = prime.content else { return nil }
        return integerBits(bytes)
    }

    /// Significant bits of a big-endian unsigned integer.
    static func integerBits(_ bytes: ArraySlice<UInt8>) -> Int {
        let significant = bytes.drop(while: { $0 == 0 })
        guard let first = significant.first else { return 0 }
        return (significant.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
