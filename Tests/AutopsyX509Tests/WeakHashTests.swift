import SwiftASN1
import Testing

@testable import AutopsyX509

/// Which signature algorithms rest on a broken hash, by their dotted identifiers (RFC 3279,
/// 2.2; RFC 8017, appendix A.2.4; the OIW's sha1WithRSASignature): the table compares
/// identifiers as bytes, so each entry is checked against its spelling here.
@Suite struct WeakHashTests {
    @Test func brokenHashesAreFoundByIdentifier() throws {
        let expected: [(String, AlgorithmNames.WeakHash?)] = [
            ("1.2.840.113549.1.1.2", .md2),
            ("1.2.840.113549.1.1.4", .md5),
            ("1.2.840.113549.1.1.5", .sha1),
            ("1.3.14.3.2.29", .sha1),
            ("1.2.840.10045.4.1", .sha1),
            ("1.2.840.10040.4.3", .sha1),
            ("1.2.840.113549.1.1.11", nil),  // sha256WithRSAEncryption
            ("1.2.840.10045.4.3.2", nil),  // ecdsa-with-SHA256
            ("1.3.101.112", nil),  // Ed25519
        ]
        for (dotted, hash) in expected {
            let oid = try ASN1ObjectIdentifier(dotRepresentation: dotted)
            #expect(AlgorithmNames.weakHash(oid) == hash, "\(dotted)")
        }
    }
}
