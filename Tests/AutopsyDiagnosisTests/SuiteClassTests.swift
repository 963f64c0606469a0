import AutopsyTLS
import Testing

@testable import AutopsyDiagnosis

/// How the cipher-suite evidence sorts an offer into classes, the name parts matched as bytes.
@Suite struct SuiteClassTests {
    @Test func suitesAreCountedByClass() {
        let suites: [CipherSuite] = [
            CipherSuite(rawValue: 0x000A),  // TLS_RSA_WITH_3DES_EDE_CBC_SHA
            CipherSuite(rawValue: 0x0005),  // TLS_RSA_WITH_RC4_128_SHA
            CipherSuite(rawValue: 0x0003),  // TLS_RSA_EXPORT_WITH_RC4_40_MD5
            CipherSuite(rawValue: 0x0002),  // TLS_RSA_WITH_NULL_SHA
            CipherSuite(rawValue: 0xC013),  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
            CipherSuite(rawValue: 0x1301),  // TLS_AES_128_GCM_SHA256
            CipherSuite(rawValue: 0xFAFA),  // unnamed: in no class
        ]
        #expect(
            CipherSuiteMismatchRule.classes(suites, frame: 4)
                == "frame 4: the client offered 7 suites (1 TLS 1.3, 1 ECDHE, 4 RSA key exchange, 2 CBC, "
                + "1 3DES, 2 RC4, 1 NULL and 1 EXPORT; 5 legacy): TLS_RSA_WITH_3DES_EDE_CBC_SHA, "
                + "TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_EXPORT_WITH_RC4_40_MD5 and TLS_RSA_WITH_NULL_SHA")
    }

    @Test func namePartsMatchAnywhereAndOnlyWhole() {
        let suite = CipherSuite(rawValue: 0x000A)  // TLS_RSA_WITH_3DES_EDE_CBC_SHA
        for part: StaticString in ["TLS_", "_SHA", "3DES", "_CBC_", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"] {
            #expect(CipherSuiteMismatchRule.name(of: suite, holds: part), "\(part)")
        }
        for part: StaticString in ["_CBC_SHA_", "RC4", "TLS_RSA_WITH_3DES_EDE_CBC_SHA256", "tls_"] {
            #expect(!CipherSuiteMismatchRule.name(of: suite, holds: part), "\(part)")
        }
        #expect(!CipherSuiteMismatchRule.name(of: CipherSuite(rawValue: 0xFAFA), holds: "TLS"))
    }
}
