import AutopsyFlow

/// `inappropriate_fallback`: alert 86, the server caught a client retrying with a lower version.
struct InappropriateFallbackRule: DiagnosisRule {
    let id = DiagnosisID.inappropriateFallback

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let alert = flow.failingAlert, alert.alert?.description.rawValue == 86 else { return nil }
        var evidence = [flow.alertEvidence(alert)]
        if let offer = flow.offerEvidence { evidence.append(offer) }
        if flow.offer?.cipherSuites.contains(where: { $0.rawValue == 0x5600 }) == true {
            evidence.append("the ClientHello carries TLS_FALLBACK_SCSV: the client is retrying after a failed attempt")
        }
        return make(
            "The client retried with a lower protocol version after a failure, and the server refused the downgrade.",
            evidence: evidence,
            remedy:
                "Find why the client's first, higher-version attempt failed (look at the flow just before this one from the same client); a middlebox that breaks TLS 1.3 or large ClientHellos is a common cause.",
            check: flow.opensslCheck("-tls1_3"))
    }
}
