/// The key exchange family of a cipher suite, derived from its IANA name.
///
/// TLS 1.3 suites do not name a key exchange (it is negotiated by `key_share`), so they are
/// `.tls13`. `ecdhe` and `dhe` include their PSK variants (`ECDHE_PSK`, `DHE_PSK`), `rsa`
/// includes `RSA_EXPORT` and `RSA_PSK` (the premaster secret travels under the server's RSA key),
/// and `other` covers `NULL`, `KRB5`, `ECCPWD`, GOST and the signalling values.
public enum KeyExchangeClass: String, Sendable, Hashable, CaseIterable {
    /// A TLS 1.3 suite (RFC 8446, appendix B.4).
    case tls13
    /// Ephemeral elliptic-curve Diffie-Hellman (forward secret).
    case ecdhe
    /// Ephemeral finite-field Diffie-Hellman (forward secret).
    case dhe
    /// RSA key transport (no forward secrecy).
    case rsa
    /// A pre-shared key alone.
    case psk
    /// Static elliptic-curve Diffie-Hellman from the certificate.
    case ecdh
    /// Static finite-field Diffie-Hellman from the certificate, or anonymous DH.
    case dh
    /// Secure Remote Password (RFC 5054).
    case srp
    /// Anything else, and values the registry does not name.
    case other
}
