import AutopsyFlow

/// `certificate_rejected`: the client rejected the server's certificate (42-48) while the
/// certificate is hidden (TLS 1.3) or looks valid; or, in TLS 1.3, the client answered
/// the server's encrypted flight with one alert-sized encrypted record instead of its
/// Finished (inferred).
struct CertificateRejectedRule: DiagnosisRule {
    let id = DiagnosisID.certificateRejected

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        if let alert = flow.failingAlert, alert.from == .client, let message = alert.alert,
            AlertMeaning.isCertificateRejection(message.description.rawValue)
        {
            var evidence = [flow.alertEvidence(alert)]
            evidence.append("what the client means: " + AlertMeaning.certificateComplaint(message.description.rawValue))
            if flow.certificateSummaries.isEmpty {
                evidence.append("the server's certificate is not visible in the capture (TLS 1.3 encrypts it)")
            } else {
                evidence.append(
                    line:
                        "frame \(flow.serverCertificateFrame ?? 0): the server sent \(flow.certificateSummaries.count) certificate(s)"
                )
            }
            return make(
                "The client rejected the server's certificate (\(message.description.description)).",
                evidence: evidence,
                remedy:
                    "Check the chain the server sends (expiry, name, intermediates) and the client's trust store and clock; the alert says what the client's TLS library disliked.",
                check: flow.opensslCheck("-showcerts"))
        }
        guard flow.version?.isTLS13OrDraft == true,
            let step = flow.steps.first(where: { $0.kind == .encryptedAlertSizedRecord })
        else { return nil }
        var evidence: [String] = []
        if let serverHello = flow.serverHello {
            evidence.append(line: "frame \(serverHello.frame): the server chose TLS 1.3; its certificate is encrypted")
        }
        evidence.append(
            line:
                "frame \(step.frame): instead of its Finished, the client sent one encrypted record of \(step.length) bytes, the size of an alert"
        )
        if flow.tcp.clientFIN || flow.tcp.clientRST { evidence.append("then the client closed the connection") }
        return make(
            "The client most likely rejected the server's certificate (inferred: TLS 1.3 hides both the certificate and the alert).",
            evidence: evidence,
            remedy:
                "Check the certificate chain the server sends and the client's trust store; a client log or a key log (SSLKEYLOGFILE) would show the exact alert.",
            check: flow.opensslCheck("-showcerts"), inferred: true)
    }
}
