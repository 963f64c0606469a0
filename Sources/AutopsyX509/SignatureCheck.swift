import Crypto
import SwiftASN1
import X509
import _CryptoExtras

/// Whether `issuer`'s key made the signature of `subject`: true or false, or nil when the
/// algorithms are ones no library here can check (MD5, SHA-224, DSA, RSA-PSS parameters, keys
/// under 1024 bits).
///
/// swift-certificates checks it whenever it loaded both certificates. Where it refused one (an
/// RSA key under 2048 bits, an MD5 signature elsewhere in the certificate) the same PKCS#1 v1.5,
/// ECDSA and Ed25519 checks are made here with swift-crypto directly.
func signatureVerifies(_ subject: ParsedCertificate, by issuer: ParsedCertificate) -> Bool? {
    if let subjectCertificate = subject.certificate, let issuerCertificate = issuer.certificate {
        return issuerCertificate.publicKey.isValidSignature(subjectCertificate.signature, for: subjectCertificate)
    }
    return FallbackSignature.verify(
        tbs: subject.tbsBytes, signature: subject.signatureBytes, algorithm: subject.signatureAlgorithm,
        keyAlgorithm: issuer.publicKeyAlgorithm, keyParameters: issuer.publicKeyParameters,
        key: issuer.publicKeyBytes)
}

/// Signature checks made with swift-crypto for certificates swift-certificates does not load.
enum FallbackSignature {
    private enum Hash {
        case sha1, sha256, sha384, sha512
    }

    static func verify(
        tbs: ArraySlice<UInt8>, signature: ArraySlice<UInt8>, algorithm: ASN1ObjectIdentifier,
        keyAlgorithm: ASN1ObjectIdentifier, keyParameters: ASN1Node?, key: ArraySlice<UInt8>
    ) -> Bool? {
        switch algorithm.description {
        case "1.2.840.113549.1.1.5", "1.3.14.3.2.29": return rsa(tbs, signature, .sha1, keyAlgorithm, key)
        case "1.2.840.113549.1.1.11": return rsa(tbs, signature, .sha256, keyAlgorithm, key)
        case "1.2.840.113549.1.1.12": return rsa(tbs, signature, .sha384, keyAlgorithm, key)
        case "1.2.840.113549.1.1.13": return rsa(tbs, signature, .sha512, keyAlgorithm, key)
        case "1.2.840.10045.4.1": return ecdsa(tbs, signature, .sha1, keyParameters, key)
        case "1.2.840.10045.4.3.2": return ecdsa(tbs, signature, .sha256, keyParameters, key)
        case "1.2.840.10045.4.3.3": return ecdsa(tbs, signature, .sha384, keyParameters, key)
        case "1.2.840.10045.4.3.4": return ecdsa(tbs, signature, .sha512, keyParameters, key)
        case "1.3.101.112":
            guard keyAlgorithm.description == "1.3.101.112",
                let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key)
            else { return nil }
            return publicKey.isValidSignature(signature, for: tbs)
        default:
            return nil
        }
    }

    private static func rsa(
        _ tbs: ArraySlice<UInt8>, _ signature: ArraySlice<UInt8>, _ hash: Hash, _ keyAlgorithm: ASN1ObjectIdentifier,
        _ key: ArraySlice<UInt8>
    ) -> Bool? {
        guard keyAlgorithm.description == "1.2.840.113549.1.1.1",
            let publicKey = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: key)
        else { return nil }
        let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        let padding = _RSA.Signing.Padding.insecurePKCS1v1_5
        switch hash {
        case .sha1:
            return publicKey.isValidSignature(rsaSignature, for: Insecure.SHA1.hash(data: tbs), padding: padding)
        case .sha256: return publicKey.isValidSignature(rsaSignature, for: SHA256.hash(data: tbs), padding: padding)
        case .sha384: return publicKey.isValidSignature(rsaSignature, for: SHA384.hash(data: tbs), padding: padding)
        case .sha512: return publicKey.isValidSignature(rsaSignature, for: SHA512.hash(data: tbs), padding: padding)
        }
    }

    private static func ecdsa(
        _ tbs: ArraySlice<UInt8>, _ signature: ArraySlice<UInt8>, _ hash: Hash, _ parameters: ASN1Node?,
        _ key: ArraySlice<UInt8>
    ) -> Bool? {
        guard let parameters, let curve = try? ASN1ObjectIdentifier(derEncoded: parameters) else { return nil }
        switch curve.description {
        case "1.2.840.10045.3.1.7":
            guard let publicKey = try? P256.Signing.PublicKey(x963Representation: key),
                let ecdsaSignature = try? P256.Signing.ECDSASignature(derRepresentation: signature)
            else { return nil }
            return digest(tbs, hash) { publicKey.isValidSignature(ecdsaSignature, for: $0) }
        case "1.3.132.0.34":
            guard let publicKey = try? P384.Signing.PublicKey(x963Representation: key),
                let ecdsaSignature = try? P384.Signing.ECDSASignature(derRepresentation: signature)
            else { return nil }
            return digest(tbs, hash) { publicKey.isValidSignature(ecdsaSignature, for: $0) }
        case "1.3.132.0.35":
            guard let publicKey = try? P521.Signing.PublicKey(x963Representation: key),
                let ecdsaSignature = try? P521.Signing.ECDSASignature(derRepresentation: signature)
            else { return nil }
            return digest(tbs, hash) { publicKey.isValidSignature(ecdsaSignature, for: $0) }
        default:
            return nil
        }
    }

    /// Runs `check` over the digest of `data` with `hash`.
    private static func digest(_ data: ArraySlice<UInt8>, _ hash: Hash, _ check: (any Digest) -> Bool) -> Bool {
        switch hash {
        case .sha1: return check(Insecure.SHA1.hash(data: data))
        case .sha256: return check(SHA256.hash(data: data))
        case .sha384: return check(SHA384.hash(data: data))
        case .sha512: return check(SHA512.hash(data: data))
        }
    }
}
