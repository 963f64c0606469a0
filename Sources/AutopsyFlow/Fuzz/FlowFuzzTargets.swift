import AutopsyTLS
import AutopsyX509

/// The bodies of the libFuzzer targets that go past the TLS parsers: fingerprints of the
/// hellos, and certificates through swift-certificates. `Tests/Fuzz` wraps them; the test
/// suite replays `Fixtures/fuzz-seeds/` through them.
public enum FlowFuzzTargets {
    /// A ClientHello body: parsed, then fingerprinted (JA3 string and hash, JA4 and JA4_r).
    public static func clientHello(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = TLSFuzzTargets.clientHello(data)
        guard let hello = try? ClientHello.parse(data) else { return outcome }
        let ja3 = JA3.string(hello)
        if JA3.hash(hello).utf8.count != 32 { outcome.violations.append("JA3 hash is not 32 hex digits") }
        let ja4 = JA4.fingerprint(hello)
        let parts = ja4.split(separator: "_", omittingEmptySubsequences: false)
        if parts.count != 3 || parts.first?.utf8.count != 10 {
            outcome.violations.append("JA4 '\(ja4)' is not a_b_c with a 10-character first part")
        }
        if ja3.split(separator: ",", omittingEmptySubsequences: false).count != 5 {
            outcome.violations.append("JA3 string '\(ja3)' does not have five fields")
        }
        _ = JA4.raw(hello)
        return outcome
    }

    /// A ServerHello body: parsed, then fingerprinted (JA3S).
    public static func serverHello(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = TLSFuzzTargets.serverHello(data)
        guard let hello = try? ServerHello.parse(data) else { return outcome }
        if JA3.serverHash(hello).utf8.count != 32 { outcome.violations.append("JA3S hash is not 32 hex digits") }
        _ = JA3.serverString(hello)
        return outcome
    }

    /// A Certificate message body (both layouts) whose certificates are summarised by
    /// swift-certificates and matched against a name; the whole input is also summarised
    /// as one DER certificate, so that the fuzzer reaches X.509 directly.
    public static func certificate(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = TLSFuzzTargets.serverMessages(data)
        var certificates = [data]
        for tls13 in [false, true] {
            if let message = try? CertificateMessage.parse(data, tls13: tls13) {
                certificates += message.certificates.prefix(8)
            }
        }
        for der in certificates {
            let summary = CertificateSummary.summarize(der)
            if summary.parseError == nil {
                outcome.parsed += 1
                for name in ["example.com", "a.b.example.com", "192.0.2.1", "2001:db8::1", "xn--bcher-kva.example"] {
                    _ = CertificateSummary.nameMatches(name, summary: summary)
                }
            } else {
                outcome.refused += 1
            }
            if summary.sha256.utf8.count != 64 {
                outcome.violations.append("certificate SHA-256 '\(summary.sha256)' is not 64 hex digits")
            }
        }
        return outcome
    }
}
