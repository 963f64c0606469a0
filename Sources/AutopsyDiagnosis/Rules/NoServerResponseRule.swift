import AutopsyFlow

/// `no_server_response`: the ClientHello got no TLS answer.
struct NoServerResponseRule: DiagnosisRule {
    let id = DiagnosisID.noServerResponse

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard flow.outcome == .noResponse, let hello = flow.clientHello else { return nil }
        let waited = formatSeconds(flow.lastTimestamp.seconds(since: hello.timestamp))
        var evidence = ["frame \(hello.frame): the client sent its ClientHello"]
        // A client that closed or reset gave up; one still waiting when the capture ended did not.
        let gaveUp: String? =
            flow.tcp.clientFIN ? "closed the connection" : flow.tcp.clientRST ? "reset the connection" : nil
        let ending = gaveUp.map { ", then " + $0 } ?? " until the capture ended"
        evidence.append(line: "nothing came back from the server for \(waited); the client waited\(ending)")
        if flow.tcp.synAckTime != nil { evidence.append("the server did accept the TCP connection (SYN-ACK)") }
        let summary: TextLine =
            gaveUp != nil
            ? "The server accepted the connection but never answered the ClientHello; the client gave up after \(waited)."
            : "The server accepted the connection but did not answer the ClientHello in the \(waited) before the capture ended."
        return make(
            summary,
            evidence: evidence,
            remedy:
                "Check that a TLS service (not a plaintext one waiting for the client to speak first) listens on \(address: flow.server), and whether a firewall or IPS silently drops the ClientHello, or the server is overloaded.",
            check: flow.opensslCheck())
    }
}

/// "1.408 s" or "230 ms", rounded deterministically.
func formatSeconds(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return "an unknown time" }
    if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
    let millis = Int((seconds * 1000).rounded())
    let fraction = String(millis % 1000)
    return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction) s"
}
