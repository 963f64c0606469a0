import AutopsyFlow
import AutopsyTLS

/// `protocol_version_mismatch`: a protocol_version alert; or the client's highest offered
/// version is below every version this server negotiated elsewhere; or the server chose
/// a version the client never offered.
struct ProtocolVersionMismatchRule: DiagnosisRule {
    let id = DiagnosisID.protocolVersionMismatch

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let offer = flow.offer else { return nil }
        let alert = flow.failingAlert
        let isVersionAlert = alert?.alert?.description.rawValue == 70
        var unoffered = false
        let chosen = flow.serverHello?.hello.selectedVersion
        if let chosen, !offer.offeredVersions.contains(chosen),
            !(chosen.isTLS13OrDraft && offer.offeredVersions.contains(where: \.isTLS13OrDraft))
        {
            unoffered = true
        }
        // A ServerHello that chose a version the client offered settles it: the two share
        // that version, whatever this server negotiated in other flows (another virtual
        // host, another configuration behind the same address).
        let agreed = chosen != nil && !unoffered
        // Settled without a version alert: no case below applies (most flows end here,
        // before the server's profile is looked up).
        guard !agreed || isVersionAlert else { return nil }
        let profile = context.profile(for: flow)
        let highest = flow.highestOfferedVersion
        var belowServer = false
        if !agreed, let profile, let highest, let highestOrdinal = highest.ordinal,
            let lowestAccepted = profile.versions.compactMap(\.ordinal).min(), highestOrdinal < lowestAccepted
        {
            belowServer = true
        }
        // Decided before any evidence is written: most flows are not this case.
        guard isVersionAlert || (belowServer && flow.outcome == .failed) || unoffered else { return nil }
        var evidence: [String] = []
        if let alert { evidence.append(flow.alertEvidence(alert)) }
        if let line = flow.offerEvidence { evidence.append(line) }
        if belowServer, let profile, let highest {
            evidence.append(
                line:
                    "in \(counted(profile.successes, "successful handshake")) this server negotiated only \(listed(profile.versionNames)): nothing as low as \(highest)"
            )
        }
        if unoffered, let chosen {
            evidence.append(
                line:
                    "frame \(flow.serverHello?.frame ?? 0): the server chose \(chosen), which the client did not offer")
        }
        if profile == nil && !unoffered {
            evidence.append(
                "no handshake to this server succeeded in the capture: this conclusion rests on the alert and the offer alone"
            )
        }
        let top = highest?.description ?? "an old version"
        let summary: TextLine =
            unoffered
            ? "The server chose a protocol version the client did not offer."
            : "The client and the server share no protocol version: the client offers at most \(top)."
        let clientFlag =
            highest.flatMap(Self.clientFlag).map { $0 + "   # the client's best version: fails the same way" } ?? ""
        return make(
            summary, evidence: evidence,
            remedy: Self.remedy(highest: highest, profile: profile),
            check: flow.opensslCheck(clientFlag), inferred: profile == nil && !isVersionAlert)
    }

    /// openssl s_client's option for a version it can be limited to, if any (a switch: a
    /// dictionary literal here was built again for every flow diagnosed).
    static func clientFlag(_ version: ProtocolVersion) -> String? {
        switch version {
        case .tls13: return "-tls1_3"
        case .tls12: return "-tls1_2"
        case .tls11: return "-tls1_1"
        case .tls10: return "-tls1"
        default: return nil
        }
    }

    static func remedy(highest: ProtocolVersion?, profile: ServerProfile?) -> TextLine {
        let old = (highest?.ordinal ?? 0) < (ProtocolVersion.tls12.ordinal ?? 0)
        if old {
            return
                "Enable TLS 1.2 or later on the client (update its TLS library or its configured minimum/maximum version); if old clients must be served, allow their version on the server, knowing it is deprecated (RFC 8996)."
        }
        let wanted = profile.map { listed($0.versionNames) } ?? "a newer version"
        return
            "Enable \(wanted) on the client (update its TLS library or its maximum version), or allow \(highest?.description ?? "the client's version") on the server."
    }
}
