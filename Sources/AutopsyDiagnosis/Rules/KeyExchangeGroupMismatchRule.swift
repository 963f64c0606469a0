import AutopsyFlow
import AutopsyTLS

/// `key_exchange_group_mismatch`: a HelloRetryRequest followed by failure, or a refusal
/// right after the ClientHello while the client's groups share nothing with the groups
/// this server uses.
struct KeyExchangeGroupMismatchRule: DiagnosisRule {
    let id = DiagnosisID.keyExchangeGroupMismatch

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let offer = flow.offer, flow.outcome == .failed else { return nil }
        let groups = (offer.extensions.supportedGroups ?? []).filter { !$0.isGREASE }
        // Written only once the rule applies: most failed flows are not this case.
        func offerEvidence() -> [String] {
            guard let hello = flow.clientHello else { return [] }
            let shares = (offer.extensions.keyShareGroups ?? []).filter { !$0.isGREASE }.map(\.description)
            return [
                "frame \(hello.frame): the client offered groups \(listed(groups.map(\.description))) with key shares for \(listed(shares))"
            ]
        }
        if let retry = flow.helloRetryRequest {
            var evidence = offerEvidence()
            let wanted = retry.hello.keyShareGroup?.description ?? "another group"
            evidence.insert("frame \(retry.frame): the server sent a HelloRetryRequest asking for \(wanted)", at: 0)
            if let alert = flow.failingAlert { evidence.append(flow.alertEvidence(alert)) }
            return make(
                "The server asked the client to retry with the group \(wanted), and the handshake then failed.",
                evidence: evidence,
                remedy:
                    "Offer \(wanted) on the client (or a key share for it), or enable one of the client's groups on the server.",
                check: flow.opensslCheck("-groups \(Self.opensslName(retry.hello.keyShareGroup))"))
        }
        guard let alert = flow.failingAlert, alert.from == .server, alert.stage == "client_hello",
            let code = alert.alert?.description.rawValue, code == 40 || code == 47,
            let profile = context.profile(for: flow), !profile.groups.isEmpty, !groups.isEmpty,
            profile.groups.isDisjoint(with: groups)
        else { return nil }
        var evidence = offerEvidence()
        evidence.insert(flow.alertEvidence(alert), at: 0)
        evidence.append(
            line:
                "in \(counted(profile.successes, "successful handshake")) this server used \(listed(profile.groups.map(\.description).sorted())), which the client does not offer"
        )
        return make(
            "The client and the server have no key-exchange group in common.",
            evidence: evidence,
            remedy: "Enable one of the server's groups on the client, or one of the client's groups on the server.",
            check: flow.opensslCheck("-groups \(Self.opensslName(profile.groups.first))"))
    }

    static func opensslName(_ group: NamedGroup?) -> String {
        switch group?.rawValue {
        case 23: return "P-256"
        case 24: return "P-384"
        case 25: return "P-521"
        case 29: return "X25519"
        case 30: return "X448"
        default: return group?.description ?? "X25519"
        }
    }
}
