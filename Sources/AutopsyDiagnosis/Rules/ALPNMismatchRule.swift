import AutopsyFlow

/// `alpn_mismatch`: a no_application_protocol alert, or the client's ALPN list shares
/// nothing with what the server selects elsewhere.
struct ALPNMismatchRule: DiagnosisRule {
    let id = DiagnosisID.alpnMismatch

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let offer = flow.offer, let alert = flow.failingAlert else { return nil }
        let offered = offer.extensions.alpnNames ?? []
        var evidence = [flow.alertEvidence(alert)]
        if let hello = flow.clientHello {
            evidence.append(
                "frame \(hello.frame): the client offered ALPN \(offered.isEmpty ? "nothing" : listed(offered))")
        }
        let isALPNAlert = alert.alert?.description.rawValue == 120
        var disjoint = false
        if let profile = context.profile(for: flow), !profile.alpn.isEmpty, !offered.isEmpty,
            profile.alpn.isDisjoint(with: offered)
        {
            disjoint = true
            evidence.append("in other flows this server selected \(listed(profile.alpn.sorted()))")
        }
        guard isALPNAlert || (disjoint && alert.stage == "client_hello") else { return nil }
        return make(
            "The client and the server have no application protocol (ALPN) in common.",
            evidence: evidence,
            remedy:
                "Offer a protocol the server supports (h2 or http/1.1), or enable the client's protocol on the server.",
            check: flow.opensslCheck("-alpn \(offered.first ?? "h2")"))
    }
}
