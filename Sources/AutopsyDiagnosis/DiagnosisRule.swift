import AutopsyFlow

/// One diagnosis rule: turns what a flow showed (and what other flows taught) into a
/// diagnosis, or nil when its evidence is not there. One type per id.
public protocol DiagnosisRule: Sendable {
    /// The id this rule gives.
    var id: DiagnosisID { get }
    /// The diagnosis for `flow`, or nil.
    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis?
}

extension DiagnosisRule {
    /// The diagnosis of this rule's id. The summary and the remedy are `TextLine`s, so that
    /// the interpolated literals the rules write there are built as bytes, not appended to a
    /// `String` part by part.
    func make(
        _ summary: TextLine, evidence: [String], remedy: TextLine, check: String, inferred: Bool = false
    ) -> Diagnosis {
        Diagnosis(
            id: id.rawValue, summary: summary.text, evidence: evidence, remedy: remedy.text, check: check,
            inferred: inferred)
    }
}

/// Runs every rule over a flow; `handshake_failure` only when nothing more specific fits.
public enum Diagnoser {
    /// The rules, most specific first.
    public static let rules: [any DiagnosisRule] = [
        NotTLSRule(), NoServerResponseRule(), ConnectionResetRule(), InappropriateFallbackRule(),
        ProtocolVersionMismatchRule(), CipherSuiteMismatchRule(), KeyExchangeGroupMismatchRule(), SNIMissingRule(),
        UnknownServerNameRule(), ALPNMismatchRule(), ClientCertificateRequiredRule(), TLSInterceptionRule(),
        ClientClockSkewRule(), CertificateExpiredRule(), CertificateNotYetValidRule(), CertificateNameMismatchRule(),
        CertificateChainIncompleteRule(), CertificateUntrustedRule(),
    ]

    /// Ids that explain a certificate rejection more precisely than `certificate_rejected`.
    static let certificateIDs: Set<String> = [
        DiagnosisID.certificateExpired, .certificateNotYetValid, .certificateNameMismatch, .certificateChainIncomplete,
        .certificateUntrusted, .clientClockSkew, .tlsInterception,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// The diagnoses of one flow. A successful handshake gets none, unless it was
    /// intercepted (a suspicious success).
    public static func diagnose(_ flow: FlowRecord, context: DiagnosisContext) -> [Diagnosis] {
        guard flow.didFail else {
            return TLSInterceptionRule().diagnose(flow, context).map { [$0] } ?? []
        }
        var found = rules.compactMap { $0.diagnose(flow, context) }
        let specific = found.contains { certificateIDs.contains($0.id) }
        if !specific, let rejected = CertificateRejectedRule().diagnose(flow, context) { found.append(rejected) }
        if found.isEmpty, let fallback = HandshakeFailureRule().diagnose(flow, context) { found.append(fallback) }
        return found
    }
}
