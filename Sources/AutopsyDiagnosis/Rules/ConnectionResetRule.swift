import AutopsyFlow

/// `connection_reset`: a TCP RST ended the flow after the ClientHello and before the
/// handshake completed; says which side it claims to come from and whether it looks
/// injected (TTL or IP id unlike that side's other packets, or faster than the server's
/// round trip).
struct ConnectionResetRule: DiagnosisRule {
    let id = DiagnosisID.connectionReset

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard flow.outcome == .reset, let reset = flow.tcp.reset else { return nil }
        var evidence: [String] = []
        if let offer = flow.offerEvidence { evidence.append(offer) }
        evidence.append(
            line:
                "frame \(reset.frame): a TCP RST from the \(reset.from.rawValue)'s address ended the connection")
        let signs = Self.injectionSigns(flow, reset)
        evidence.append(contentsOf: signs)
        let injected = !signs.isEmpty
        let who =
            injected
            ? "a device on the path (the RST does not look like the \(reset.from.rawValue)'s own)"
            : "the \(reset.from.rawValue)"
        let when = "around \(TimeFormat.rfc3339Seconds(reset.timestamp)) (the RST, frame \(reset.frame))"
        return make(
            "The connection was reset by \(who) before the handshake finished.",
            evidence: evidence,
            remedy: injected
                ? "Look for a firewall, IPS or proxy between client and server that resets TLS connections (often by SNI or certificate policy); compare with a capture taken next to the server."
                : reset.from == .server
                    ? "The server (or its TLS terminator) aborted after reading the ClientHello: check its logs \(when); it may reject the offer, the SNI, or be out of resources."
                    : "The client aborted the handshake: check the client's logs \(when).",
            check: flow.opensslCheck(), inferred: injected)
    }

    /// Reasons to think the RST was injected.
    static func injectionSigns(_ flow: FlowRecord, _ reset: ResetFacts) -> [String] {
        let stats = reset.from == .client ? flow.tcp.clientStats : flow.tcp.serverStats
        var signs: [String] = []
        if stats.packets > 0 && (reset.ttl < stats.minTTL || reset.ttl > stats.maxTTL) {
            let range = stats.minTTL == stats.maxTTL ? "\(stats.minTTL)" : "\(stats.minTTL)-\(stats.maxTTL)"
            signs.append(
                line:
                    "the RST's TTL is \(reset.ttl), the \(reset.from.rawValue)'s \(counted(stats.packets, "other packet")) had \(range): it likely comes from another device"
            )
        }
        if let id = reset.ipID, let last = stats.lastIPID, stats.packets >= 2, !stats.allIPIDsZero {
            let distance = Int(id &- last)
            if distance > 1000 && distance < 65536 - 16 {
                signs.append(
                    line:
                        "the RST's IP id is \(id), far from the \(reset.from.rawValue)'s last id \(last): it likely comes from another device"
                )
            }
        }
        if reset.from == .server, let rtt = flow.tcp.handshakeRTT, let since = reset.sinceOtherSide, rtt > 2_000_000,
            since < rtt / 2
        {
            signs.append(
                line:
                    "the RST came \(since / 1_000_000) ms after the client's packet, faster than the server's round trip of \(rtt / 1_000_000) ms: it was sent by something closer than the server"
            )
        }
        return signs
    }
}
