import AutopsyFlow
import AutopsyX509

/// Certificate findings in words.
public enum CertificateText {
    /// "certificate 0 expired at 2026-01-01T00:00:00Z".
    public static func finding(_ finding: CertificateFinding) -> String {
        let which = finding.index == 0 ? "the leaf" : "certificate \(finding.index)"
        switch finding.kind {
        case .unparseable(let reason): return "\(which) does not parse: \(reason)"
        case .expired(let notAfter): return "\(which) expired at \(TimeFormat.rfc3339Seconds(notAfter))"
        case .notYetValid(let notBefore): return "\(which) is not valid before \(TimeFormat.rfc3339Seconds(notBefore))"
        case .expiringSoon(let notAfter, let days):
            return "\(which) expires in \(days) days, at \(TimeFormat.rfc3339Seconds(notAfter))"
        case .sha1Signature: return "\(which) is signed with SHA-1"
        case .md5Signature: return "\(which) is signed with MD5"
        case .weakRSA(let bits): return "\(which) has a \(bits)-bit RSA key"
        }
    }
}
