import AutopsyFlow

/// `client_certificate_required`: the server asked for a client certificate and got none,
/// then the handshake failed; or alert 116 certificate_required.
struct ClientCertificateRequiredRule: DiagnosisRule {
    let id = DiagnosisID.clientCertificateRequired

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        let alert = flow.failingAlert
        let code = alert?.alert?.description.rawValue
        var evidence: [String] = []
        if code == 116, let alert {
            evidence.append(flow.alertEvidence(alert))
        } else if let frame = flow.certificateRequestFrame, flow.clientCertificateSummaries.isEmpty,
            flow.outcome == .failed,
            let alert, alert.from == .server
        {
            evidence.append(line: "frame \(frame): the server asked for a client certificate (CertificateRequest)")
            if let sent = flow.clientCertificateFrame {
                evidence.append(line: "frame \(sent): the client answered with an empty Certificate message")
            } else {
                evidence.append("the client sent no certificate")
            }
            evidence.append(flow.alertEvidence(alert))
        } else {
            return nil
        }
        return make(
            "The server requires a client certificate (mutual TLS) and the client did not send one.",
            evidence: evidence,
            remedy:
                "Configure the client with a certificate and key issued by a CA the server trusts, or make client certificates optional on the server.",
            check: flow.opensslCheck("-cert client.pem -key client.key"))
    }
}
