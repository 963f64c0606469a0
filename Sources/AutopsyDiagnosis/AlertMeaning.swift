import AutopsyTLS

/// What an alert means in plain words, and what the common stacks mean by it.
enum AlertMeaning {
    /// "fatal alert unknown_ca (48)".
    static func name(_ alert: AlertMessage) -> String {
        let line: TextLine = "\(alert: alert)"
        return line.text
    }

    /// What the sender of a certificate alert complains of, stack by stack.
    static func certificateComplaint(_ code: UInt8) -> String {
        switch code {
        case 42:
            return "bad_certificate: GnuTLS sends it for most verification failures (expired, untrusted, wrong name)"
        case 43: return "unsupported_certificate: the key or signature type is not acceptable to the client"
        case 44: return "certificate_revoked: the client found the certificate revoked (OCSP or CRL)"
        case 45:
            return
                "certificate_expired: OpenSSL sends it when a certificate is expired or not yet valid by the client's clock"
        case 46:
            return
                "certificate_unknown: Java, Go and rustls send it for an untrusted or otherwise unacceptable certificate"
        case 48:
            return
                "unknown_ca: OpenSSL sends it when the chain does not lead to a root it trusts (untrusted root or missing intermediate)"
        default: return "the client rejected the certificate"
        }
    }

    /// Whether the code is one a client sends when it rejects the server's certificate.
    static func isCertificateRejection(_ code: UInt8) -> Bool {
        [42, 43, 44, 45, 46, 48].contains(code)
    }
}
