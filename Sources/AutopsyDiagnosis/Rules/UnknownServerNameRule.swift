import AutopsyFlow

/// `unknown_server_name`: the client sent an SNI the server does not serve (alert 112).
struct UnknownServerNameRule: DiagnosisRule {
    let id = DiagnosisID.unknownServerName

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let name = flow.serverName, let alert = flow.failingAlert, alert.from == .server,
            alert.alert?.description.rawValue == 112
        else { return nil }
        var evidence = [
            "frame \(flow.clientHello?.frame ?? 0): the client asked for \(name)", flow.alertEvidence(alert),
        ]
        if let profile = context.addressProfile(for: flow), !profile.names.isEmpty {
            evidence.append(line: "this address served \(listed(profile.names.sorted(), limit: 4)) in other flows")
        }
        return make(
            "The server does not know the name the client asked for (\(name)).",
            evidence: evidence,
            remedy: "Add \(name) to the server's virtual hosts (server_name), or point the client at the right server.",
            check: flow.opensslCheck())
    }
}
