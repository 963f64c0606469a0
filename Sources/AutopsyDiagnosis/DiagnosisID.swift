/// The diagnosis ids of `shared/spec/diagnoses.md`: a public contract. New ids may be
/// added; none is ever renamed.
public enum DiagnosisID: String, Sendable, CaseIterable {
    /// The client and server share no protocol version.
    case protocolVersionMismatch = "protocol_version_mismatch"
    /// No cipher suite in common, or the client offers only legacy suites.
    case cipherSuiteMismatch = "cipher_suite_mismatch"
    /// No key-exchange group in common.
    case keyExchangeGroupMismatch = "key_exchange_group_mismatch"
    /// A certificate had expired at the capture time.
    case certificateExpired = "certificate_expired"
    /// A certificate was not yet valid at the capture time.
    case certificateNotYetValid = "certificate_not_yet_valid"
    /// The requested name is not covered by the leaf.
    case certificateNameMismatch = "certificate_name_mismatch"
    /// An intermediate certificate is missing.
    case certificateChainIncomplete = "certificate_chain_incomplete"
    /// The chain ends at a root that is not a trust anchor.
    case certificateUntrusted = "certificate_untrusted"
    /// The client rejected a certificate that is hidden or looks valid.
    case certificateRejected = "certificate_rejected"
    /// The client's clock disagrees with the certificate's validity.
    case clientClockSkew = "client_clock_skew"
    /// The failure comes from a ClientHello without SNI.
    case sniMissing = "sni_missing"
    /// No application protocol in common.
    case alpnMismatch = "alpn_mismatch"
    /// The server wanted a client certificate and got none.
    case clientCertificateRequired = "client_certificate_required"
    /// A middlebox terminates TLS with its own certificate.
    case tlsInterception = "tls_interception"
    /// A TCP reset ended the handshake.
    case connectionReset = "connection_reset"
    /// The ClientHello got no TLS answer.
    case noServerResponse = "no_server_response"
    /// One side spoke something other than TLS.
    case notTLS = "not_tls"
    /// The server caught a version downgrade (alert 86).
    case inappropriateFallback = "inappropriate_fallback"
    /// Failures cluster when the server's handshake rate peaks.
    case serverOverload = "server_overload"
    /// A fatal alert with no more specific explanation.
    case handshakeFailure = "handshake_failure"
    /// The server does not know the name the client asked for (alert 112): an id added
    /// for SNI failures that are not a missing SNI.
    case unknownServerName = "unknown_server_name"
}
