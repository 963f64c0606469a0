import AutopsyFlow
import AutopsyX509

/// Certificate findings in words.
public enum CertificateText {
    /// "certificate 0 expired at 2026-01-01T00:00:00Z".
    public static func finding(_ finding: CertificateFinding) -> String {
        let which = finding.index == 0 ? "the leaf" : "certificate " + String(finding.index)
        let line: TextLine
        switch finding.kind {
        case .unparseable(let reason): line = "\(which) does not parse: \(reason)"
        case .expired(let notAfter): line = "\(which) expired at \(seconds: notAfter)"
        case .notYetValid(let notBefore): line = "\(which) is not valid before \(seconds: notBefore)"
        case .expiringSoon(let notAfter, let days):
            line = "\(which) expires in \(counted(days, "day")), at \(seconds: notAfter)"
        case .sha1Signature: line = "\(which) is signed with SHA-1"
        case .md5Signature: line = "\(which) is signed with MD5"
        case .weakRSA(let bits): line = "\(which) has a \(bits)-bit RSA key"
        }
        return line.text
    }
}
