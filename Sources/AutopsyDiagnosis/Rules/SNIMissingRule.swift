import AutopsyFlow

/// `sni_missing`: a ClientHello without SNI that the server refused (112 or 40), while
/// flows with SNI to the same address succeed.
struct SNIMissingRule: DiagnosisRule {
    let id = DiagnosisID.sniMissing

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let hello = flow.clientHello, hello.hello.extensions.serverNameBytes == nil,
            let alert = flow.failingAlert, alert.from == .server,
            let code = alert.alert?.description.rawValue, code == 112 || code == 40
        else { return nil }
        var evidence = [
            "frame \(hello.frame): the ClientHello has no server_name (SNI) extension", flow.alertEvidence(alert),
        ]
        let profile = context.addressProfile(for: flow)
        if let profile, profile.successesWithSNI > 0 {
            evidence.append(
                line:
                    "\(counted(profile.successesWithSNI, "handshake")) to the same address with SNI (\(listed(profile.names.sorted(), limit: 3))) succeeded"
            )
        } else if code == 40 {
            return nil  // a plain handshake_failure without SNI proves nothing by itself
        }
        let name = profile?.names.sorted().first ?? "NAME"
        return make(
            "The client sent no SNI, and the server refuses handshakes without it.",
            evidence: evidence,
            remedy:
                "Make the client send SNI (connect by host name, not IP; set server_hostname / -servername), or give the server a default certificate for clients without SNI.",
            check: "openssl s_client -connect \(flow.serverAddress) -servername \(name)   # and without -servername",
            inferred: profile == nil)
    }
}
