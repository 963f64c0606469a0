import AutopsyPackets
import Crypto

/// What does not depend on the capture time about a chain: the certificates read, how they
/// link, where the path from the leaf ends. Computed once per distinct chain.
struct ChainFacts: Sendable {
    var parsed: [ParsedCertificate?]
    var summaries: [CertificateSummary]
    var links: [ChainLink]
    var path: [Int]
    var order: ChainOrder
    var missingIntermediate: String?
    var untrustedRoot: String?
    /// Per certificate: the weak hash its issuer signed it with (none for a self-signed one,
    /// whose signature nobody checks), found once per chain instead of once per flow.
    var weakSignatures: [AlgorithmNames.WeakHash?] = []

    init(chain: [[UInt8]], trustStore: TrustStore) {
        var parsed: [ParsedCertificate?] = []
        var summaries: [CertificateSummary] = []
        for der in chain {
            let fingerprint = lowercaseHex(SHA256.hash(data: der))
            do {
                let certificate = try ParsedCertificate(der: der)
                parsed.append(certificate)
                summaries.append(CertificateSummary(certificate, sha256: fingerprint))
            } catch {
                parsed.append(nil)
                summaries.append(CertificateSummary(sha256: fingerprint, parseError: ParsedCertificate.reason(error)))
            }
        }
        self.parsed = parsed
        self.summaries = summaries
        weakSignatures = zip(parsed, summaries).map { certificate, summary in
            guard !summary.selfSigned, let algorithm = certificate?.signatureAlgorithm else { return nil }
            return AlgorithmNames.weakHash(algorithm)
        }
        links = parsed.indices.map { Self.link($0, parsed: parsed, summaries: summaries, trustStore: trustStore) }
        path = Self.path(links)
        order = Self.order(links, path: path)
        guard let top = path.last, let topCertificate = parsed[top] else { return }
        let link = links[top]
        if link.selfSigned {
            if !link.isAnchor { untrustedRoot = summaries[top].subject }
        } else if !link.isAnchor && link.issuedByAnchor == nil {
            missingIntermediate = NameText.format(topCertificate.issuer)
        }
    }

    /// How certificate `index` links to its issuer among the sent certificates or the anchors.
    private static func link(
        _ index: Int, parsed: [ParsedCertificate?], summaries: [CertificateSummary], trustStore: TrustStore
    ) -> ChainLink {
        guard let certificate = parsed[index] else {
            return ChainLink(
                index: index, issuerIndex: nil, signatureVerified: nil, issuedByAnchor: nil, isAnchor: false,
                selfSigned: false)
        }
        let selfSigned = summaries[index].selfSigned
        let isAnchor = trustStore.contains(certificate) || trustStore.sameKeyAnchor(as: certificate) != nil
        var link = ChainLink(
            index: index, issuerIndex: nil, signatureVerified: nil, issuedByAnchor: nil, isAnchor: isAnchor,
            selfSigned: selfSigned)
        if selfSigned {
            link.signatureVerified = signatureVerifies(certificate, by: certificate)
            return link
        }
        let authority = KeyIdentifiers(certificate).authority
        // Candidates by name and key identifier, the next certificate first.
        let candidates = parsed.indices.filter { other in
            guard other != index, let issuer = parsed[other], issuer.subject == certificate.issuer else { return false }
            guard let authority, let subjectKey = KeyIdentifiers(issuer).subject else { return true }
            return authority == subjectKey
        }.sorted { ($0 == index + 1 ? 0 : 1, $0) < ($1 == index + 1 ? 0 : 1, $1) }
        var verdicts: [(Int, Bool?)] = []
        for candidate in candidates {
            guard let issuer = parsed[candidate] else { continue }
            let verdict = signatureVerifies(certificate, by: issuer)
            if verdict == true {
                link.issuerIndex = candidate
                link.signatureVerified = true
                return link
            }
            verdicts.append((candidate, verdict))
        }
        if let unchecked = verdicts.first(where: { $0.1 == nil }) {
            link.issuerIndex = unchecked.0
            return link
        }
        if !verdicts.isEmpty { link.signatureVerified = false }
        if let anchor = trustStore.issuer(of: certificate) {
            link.issuedByAnchor = NameText.format(anchor.subject)
            link.signatureVerified = signatureVerifies(certificate, by: anchor)
        }
        return link
    }

    /// From the leaf up through the issuers found among the sent certificates.
    private static func path(_ links: [ChainLink]) -> [Int] {
        guard !links.isEmpty else { return [] }
        var path = [0]
        var current = 0
        while let next = links[current].issuerIndex, !path.contains(next) {
            path.append(next)
            current = next
        }
        return path
    }

    private static func order(_ links: [ChainLink], path: [Int]) -> ChainOrder {
        let unused = links.indices.filter { !path.contains($0) }
        if !unused.isEmpty { return .unrelated(unused) }
        return path == Array(links.indices) ? .ordered : .outOfOrder
    }

    /// The findings at one capture time.
    func findings(at time: Timestamp) -> [CertificateFinding] {
        var findings: [CertificateFinding] = []
        // Each summary read where it lies: a copy retained a dozen strings.
        let held = summaries.span
        for index in held.indices {
            func add(_ kind: CertificateFinding.Kind) { findings.append(CertificateFinding(index: index, kind: kind)) }
            let summary = held[index]
            if let reason = summary.parseError {
                add(.unparseable(reason))
                continue
            }
            if let notAfter = summary.notAfter, notAfter < time {
                add(.expired(notAfter: notAfter))
            } else if let notBefore = summary.notBefore, notBefore > time {
                add(.notYetValid(notBefore: notBefore))
            } else if let notAfter = summary.notAfter, notAfter.seconds - time.seconds <= 30 * 86_400 {
                add(.expiringSoon(notAfter: notAfter, days: Int((notAfter.seconds - time.seconds) / 86_400)))
            }
            switch index < weakSignatures.count ? weakSignatures[index] : nil {
            case .sha1: add(.sha1Signature)
            case .md5, .md2: add(.md5Signature)
            case nil: break
            }
            if summary.isRSAKey, let bits = summary.publicKeyBits, bits < 2048 {
                add(.weakRSA(bits: bits))
            }
        }
        return findings
    }
}
