import AutopsyTLS
import Testing

@testable import AutopsyDiagnosis

/// How the cipher-suite evidence sorts an offer into classes.
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

    /// The classes come from the registry's classification, which must agree with the names:
    /// every named suite is in a class exactly when its name shows the part.
    @Test func everyNamedSuiteIsInTheClassesItsNameShows() {
        let parts: [(CipherSuiteWeaknesses, String)] = [
            (.cbc, "_CBC_"), (.tripleDES, "3DES"), (.rc4, "RC4"), (.null, "NULL"), (.export, "EXPORT"),
        ]
        var named = 0
        var wrong: [String] = []
        for raw in 0...UInt16.max {
            let suite = CipherSuite(rawValue: raw)
            guard let name = suite.name else {
                if !suite.weaknesses.isEmpty { wrong.append("\(raw)") }
                continue
            }
            named += 1
            for (weakness, part) in parts where suite.weaknesses.contains(weakness) != name.contains(part) {
                wrong.append("\(name) \(part)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong)")
        #expect(named > 300)
        #expect(CipherSuite(rawValue: 0x000A).weaknesses == [.cbc, .tripleDES])  // TLS_RSA_WITH_3DES_EDE_CBC_SHA
        #expect(CipherSuite(rawValue: 0x1301).weaknesses.isEmpty)  // TLS_AES_128_GCM_SHA256
    }
}
