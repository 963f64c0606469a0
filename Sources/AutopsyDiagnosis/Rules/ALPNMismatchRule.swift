import AutopsyFlow

/// `alpn_mismatch`: a no_application_protocol alert, or the client's ALPN list shares
/// nothing with what the server selects elsewhere.
struct ALPNMismatchRule: DiagnosisRule {
    let id = DiagnosisID.alpnMismatch

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let offer = flow.offer, let alert = flow.failingAlert else { return nil }
        // Decided before any evidence is written: most failed flows are not this case. Only
        // an ALPN alert, or a refusal right after the ClientHello, can be.
        let isALPNAlert = alert.alert?.description.rawValue == 120
        guard isALPNAlert || alert.stage == "client_hello" else { return nil }
        let offered = offer.extensions.alpnNames ?? []
        let profile = context.profile(for: flow)
        var disjoint = false
        if let profile, !profile.alpn.isEmpty, !offered.isEmpty, profile.alpn.isDisjoint(with: offered) {
            disjoint = true
        }
        guard isALPNAlert || disjoint else { return nil }
        var evidence = [flow.alertEvidence(alert)]
        if let hello = flow.clientHello {
            evidence.append(
                line:
                    "frame \(hello.frame): the client offered ALPN \(offered.isEmpty ? "nothing" : listed(offered))")
        }
        if disjoint, let profile {
            evidence.append(line: "in other flows this server selected \(listed(profile.alpn.sorted()))")
        }
        return make(
            "The client and the server have no application protocol (ALPN) in common.",
            evidence: evidence,
            remedy:
                "Offer a protocol the server supports (h2 or http/1.1), or enable the client's protocol on the server.",
            check: flow.opensslCheck("-alpn \(offered.first ?? "h2")"))
    }
}
