import AutopsyFlow

/// `handshake_failure`: a fatal alert with no more specific explanation: names the alert,
/// the side that sent it and the step it came at.
struct HandshakeFailureRule: DiagnosisRule {
    let id = DiagnosisID.handshakeFailure

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard flow.outcome == .failed else { return nil }
        if let alert = flow.failingAlert, let message = alert.alert {
            var evidence = [flow.alertEvidence(alert)]
            if let offer = flow.offerEvidence { evidence.append(offer) }
            return make(
                "The \(alert.from.rawValue) aborted the handshake with \(alert: message), and nothing in the capture says more precisely why.",
                evidence: evidence,
                remedy:
                    "Look at the \(alert.from.rawValue == "server" ? "server's" : "client's") TLS logs around \(seconds: alert.timestamp) (the alert, frame \(alert.frame)); compare this flow's ClientHello with one that succeeds.",
                check: flow.opensslCheck())
        }
        guard let alert = flow.alerts.first(where: \.isEncrypted) else { return nil }
        return make(
            "The \(alert.from.rawValue) aborted the handshake with an encrypted alert; its reason cannot be read passively.",
            evidence: [flow.alertEvidence(alert)],
            remedy:
                "Look at the \(alert.from.rawValue)'s TLS logs, or capture with a key log (SSLKEYLOGFILE) to read the alert.",
            check: flow.opensslCheck(), inferred: true)
    }
}
