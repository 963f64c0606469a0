import AutopsyFlow

/// `not_tls`: a plaintext answer to a ClientHello, or plaintext sent to a TLS server.
struct NotTLSRule: DiagnosisRule {
    let id = DiagnosisID.notTLS

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard flow.outcome == .notTLS, let side = flow.plaintextSide else { return nil }
        let sample = flow.plaintextSample[side] ?? "something that is not TLS"
        if side == .server {
            var evidence: [String] = []
            if let offer = flow.offerEvidence { evidence.append(offer) }
            evidence.append(line: "the server answered in plaintext: \(sample)")
            return make(
                "The server at \(address: flow.server) does not speak TLS on this port: it answered the ClientHello in plaintext (what clients report as WRONG_VERSION_NUMBER).",
                evidence: evidence,
                remedy:
                    "Point the client at the TLS port (or the service's https:// URL), or enable TLS on this port; a proxy or load balancer may be forwarding TLS to a plaintext backend.",
                check: "curl -v http://\(flow.serverAddress)/  and  \(flow.opensslCheck())")
        }
        return make(
            "The client sent plaintext to a port where TLS was expected.",
            evidence: ["the client sent \(sample) instead of a ClientHello"],
            remedy: "Configure the client to use TLS for this port (https://, or implicit TLS for the protocol).",
            check: flow.opensslCheck())
    }
}
