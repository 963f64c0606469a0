import AutopsyFlow
import AutopsyTLS

/// `cipher_suite_mismatch`: the server refuses right after the ClientHello (alert 40 or
/// 71) while the versions overlap, and the client offers no suite this server chose in
/// other flows, or only legacy suites.
struct CipherSuiteMismatchRule: DiagnosisRule {
    let id = DiagnosisID.cipherSuiteMismatch

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let offer = flow.offer, let alert = flow.failingAlert, alert.from == .server,
            alert.stage == "client_hello", let code = alert.alert?.description.rawValue, code == 40 || code == 71
        else { return nil }
        let suites = offer.cipherSuites.filter { !$0.isGREASE && !$0.isSCSV }
        let profile = context.profile(for: flow)
        // Decided before any evidence is written: most refusals are not this case.
        var noneInCommon = false
        if let profile, !profile.suites.isEmpty {
            if let highest = flow.highestOfferedVersion?.ordinal,
                let lowest = profile.versions.compactMap(\.ordinal).min(), highest < lowest
            {
                return nil  // no version overlap: protocol_version_mismatch explains it
            }
            noneInCommon = !profile.suites.contains { suites.contains($0) }
        }
        let legacyOnly = !suites.isEmpty && suites.allSatisfy(\.isLegacy)
        let reason: String
        if noneInCommon {
            reason = "none of the client's suites"
        } else if legacyOnly {
            reason = "only legacy suites"
        } else {
            return nil
        }
        var evidence = [flow.alertEvidence(alert), Self.classes(suites, frame: flow.clientHello?.frame ?? 0)]
        if noneInCommon, let profile {
            let chosen = profile.suites.map(\.description).sorted()
            evidence.append(
                line:
                    "in \(counted(profile.successes, "successful handshake")) this server chose \(listed(chosen)); the client offered none of them"
            )
        }
        if profile == nil {
            evidence.append(
                "no handshake to this server succeeded in the capture: this conclusion rests on the alert and the offer alone"
            )
        }
        return make(
            "The client and the server have no cipher suite in common: the client offers \(reason == "only legacy suites" ? "only legacy suites" : "none of the suites the server accepts").",
            evidence: evidence,
            remedy:
                "Enable modern suites on the client (ECDHE with AES-GCM or ChaCha20-Poly1305, TLS 1.3 suites), or, if the client cannot change, add one of its suites to the server.",
            check: "nmap --script ssl-enum-ciphers -p \(flow.server.port) \(flow.server.ip)   or   "
                + flow.opensslCheck("-tls1_2 -cipher 'ECDHE+AESGCM'"),
            inferred: profile == nil)
    }

    /// "frame 4: the client offered 5 suites: 3 RSA key exchange, 2 CBC, 1 3DES".
    static func classes(_ suites: [CipherSuite], frame: UInt64) -> String {
        var counts: [(String, Int)] = []
        func count(_ name: String, _ test: (CipherSuite) -> Bool) {
            let n = suites.filter(test).count
            if n > 0 { counts.append(("\(n) \(name)", n)) }
        }
        count("TLS 1.3") { $0.isTLS13 }
        count("ECDHE") { $0.keyExchange == .ecdhe }
        count("DHE") { $0.keyExchange == .dhe }
        count("RSA key exchange") { $0.keyExchange == .rsa }
        count("CBC") { $0.weaknesses.contains(.cbc) }
        count("3DES") { $0.weaknesses.contains(.tripleDES) }
        count("RC4") { $0.weaknesses.contains(.rc4) }
        count("NULL") { $0.weaknesses.contains(.null) }
        count("EXPORT") { $0.weaknesses.contains(.export) }
        let legacy = suites.filter(\.isLegacy).count
        let names = listed(suites.prefix(4).map(\.description), limit: 4)
        return
            "frame \(frame): the client offered \(counted(suites.count, "suite")) (\(listed(counts.map(\.0), limit: 9)); \(legacy) legacy): \(names)"
    }
}
