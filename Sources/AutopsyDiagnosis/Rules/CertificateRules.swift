import AutopsyFlow
import AutopsyPackets
import AutopsyX509

/// Facts about the server's chain, in the words evidence lines use.
extension FlowRecord {
    /// "frame 43: the server sent 3 certificates, leaf 'CN=api.example.com' issued by 'CN=Example CA'".
    var chainEvidence: String? {
        guard let leaf = certificateSummaries.first else { return nil }
        let count = certificateSummaries.count
        let line: TextLine =
            "frame \(serverCertificateFrame ?? 0): the server sent \(counted(count, "certificate")), leaf '\(leaf.subject)' issued by '\(leaf.issuer)'"
        return line.text
    }

    /// Whether the client rejected the chain (a certificate alert, or the TLS 1.3 alert-sized record).
    var clientRejectedCertificate: Bool {
        if let alert = failingAlert, alert.from == .client, let code = alert.alert?.description.rawValue {
            return AlertMeaning.isCertificateRejection(code)
        }
        return outcome == .failed
    }

    /// The client's certificate alert, as evidence.
    var rejectionEvidence: String? {
        failingAlert.map(alertEvidence)
    }

    /// The capture time the chain was judged at.
    var judgedAt: String { chainAssessment.map { TimeFormat.rfc3339Seconds($0.time) } ?? "the capture time" }
}

/// Shared shape of the rules that read the chain assessment.
protocol CertificateRule: DiagnosisRule {}

extension CertificateRule {
    func evidence(_ flow: FlowRecord, _ lines: [String]) -> [String] {
        var result: [String] = []
        if let chain = flow.chainEvidence { result.append(chain) }
        result.append(contentsOf: lines)
        if let rejection = flow.rejectionEvidence { result.append(rejection) }
        return result
    }
}

/// The two date rules: a finding of one kind on a failed flow's chain.
protocol CertificateDateRule: CertificateRule {
    /// Whether a finding is the one this rule is about.
    func matches(_ kind: CertificateFinding.Kind) -> Bool
    /// "had expired" / "was not yet valid".
    var state: String { get }
    /// What to do about this flow's server.
    func remedy(_ flow: FlowRecord) -> TextLine
}

extension CertificateDateRule {
    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard flow.didFail, let assessment = flow.chainAssessment else { return nil }
        let found = assessment.findings.filter { matches($0.kind) }
        guard let first = found.first else { return nil }
        let subject = assessment.certificates[safe: first.index]?.subject ?? "certificate \(first.index)"
        // The capture time, spelled once for every finding's line.
        let judged = flow.judgedAt
        return make(
            "The server's certificate '\(subject)' \(state) at the time of the capture.",
            evidence: evidence(flow, found.map { Self.findingAt($0, judged) }),
            remedy: remedy(flow),
            check: flow.opensslCheck("-showcerts | openssl x509 -noout -dates"))
    }

    /// "the leaf expired at … (capture time …)".
    static func findingAt(_ finding: CertificateFinding, _ judged: String) -> String {
        let line: TextLine = "\(CertificateText.finding(finding)) (capture time \(judged))"
        return line.text
    }
}

/// `certificate_expired`: a certificate of the chain had expired at the capture time.
struct CertificateExpiredRule: CertificateDateRule {
    let id = DiagnosisID.certificateExpired
    let state = "had expired"

    func remedy(_ flow: FlowRecord) -> TextLine {
        "Renew the certificate (and any expired intermediate) on \(address: flow.server) and reload the server."
    }

    func matches(_ kind: CertificateFinding.Kind) -> Bool {
        if case .expired = kind { return true }
        return false
    }
}

/// `certificate_not_yet_valid`: a certificate's notBefore was after the capture time.
struct CertificateNotYetValidRule: CertificateDateRule {
    let id = DiagnosisID.certificateNotYetValid
    let state = "was not yet valid"

    func remedy(_ flow: FlowRecord) -> TextLine {
        "Serve a certificate whose validity has begun on \(address: flow.server) (check the issuing CA's clock and the server's), or wait until it starts."
    }

    func matches(_ kind: CertificateFinding.Kind) -> Bool {
        if case .notYetValid = kind { return true }
        return false
    }
}

/// `certificate_name_mismatch`: the requested name (SNI, else the server IP) is not covered
/// by the leaf's SAN, or the leaf has no SAN at all (CN only).
struct CertificateNameMismatchRule: CertificateRule {
    let id = DiagnosisID.certificateNameMismatch

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard flow.didFail, let assessment = flow.chainAssessment, let match = assessment.nameMatch, !match.isMatch,
            let leaf = assessment.certificates.first
        else { return nil }
        let name = assessment.name ?? flow.server.ip.description
        let names = leaf.sanDNS + leaf.sanIP
        let line: String
        switch match {
        case .cnOnlyMatch, .cnOnlyMismatch:
            line = "the leaf has no subjectAltName; its CN '\(leaf.commonName ?? "")' is ignored by modern clients"
        default:
            line =
                "the leaf covers \(listed(names, limit: 5)), not \(name)"
                + (names.contains { $0.hasPrefix("*.") } ? " (a wildcard covers exactly one label)" : "")
        }
        // Without SNI the name checked is the server's address: a wildcard cannot cover it,
        // and openssl checks it with -verify_ip.
        let byAddress = flow.serverName == nil
        let covered = names.isEmpty ? "" : " (\(listed(names, limit: 3)))"
        return make(
            byAddress
                ? "The server's certificate is not valid for its address \(name): the client sent no name (SNI), so the address is what it checks."
                : "The server's certificate is not valid for the name the client asked for (\(name)).",
            evidence: evidence(flow, [line]),
            remedy: byAddress
                ? "Connect by a name the certificate covers\(covered) and send it as SNI, or serve a certificate that lists \(name) as an IP address in its subjectAltName."
                : "Serve a certificate whose subjectAltName lists \(name) (or a wildcard one level above it), or connect by a name the certificate covers.",
            check: flow.opensslCheck("\(byAddress ? "-verify_ip" : "-verify_hostname") \(name) -showcerts"))
    }
}

/// `certificate_chain_incomplete`: the leaf's issuer is neither in the chain sent nor a trust anchor.
struct CertificateChainIncompleteRule: CertificateRule {
    let id = DiagnosisID.certificateChainIncomplete

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard flow.didFail, let assessment = flow.chainAssessment, let missing = assessment.missingIntermediate else {
            return nil
        }
        var lines = [
            "'\(missing)' is neither in the chain the server sent nor a trust anchor: an intermediate is missing"
        ]
        if context.subjectSent(missing) {
            lines.append(
                line:
                    "another flow in this capture did send a certificate for '\(missing)': that server is configured with the full chain"
            )
        }
        return make(
            "The server does not send the intermediate certificate that links its certificate to a trusted root.",
            evidence: evidence(flow, lines),
            remedy:
                "Configure the server with the full chain (leaf, then the intermediates: e.g. fullchain.pem), not the leaf alone.",
            check: flow.opensslCheck("-showcerts") + "   # look for 'unable to get local issuer certificate'")
    }
}

/// `certificate_untrusted`: the chain ends at a self-signed or private root that is not a trust anchor.
struct CertificateUntrustedRule: CertificateRule {
    let id = DiagnosisID.certificateUntrusted

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard flow.didFail, let assessment = flow.chainAssessment, let root = assessment.untrustedRoot else {
            return nil
        }
        let selfSigned = assessment.certificates.count == 1 && (assessment.certificates.first?.selfSigned ?? false)
        let line =
            selfSigned
            ? "the certificate is self-signed ('\(root)') and not a trust anchor"
            : "the chain ends at '\(root)', which is not a trust anchor (system bundle or --ca-file)"
        return make(
            "The client does not trust the CA that issued the server's certificate.",
            evidence: evidence(flow, [line]),
            remedy: "Install '\(root)' in the client's trust store, or serve a chain from a publicly trusted CA.",
            check: flow.opensslCheck("-showcerts"))
    }
}

/// `client_clock_skew`: the client says expired or not yet valid while the certificate is
/// valid at the capture time, or other clients accept the same certificate.
struct ClientClockSkewRule: DiagnosisRule {
    let id = DiagnosisID.clientClockSkew

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let alert = flow.failingAlert, alert.from == .client, alert.alert?.description.rawValue == 45,
            let assessment = flow.chainAssessment, let leaf = assessment.certificates.first
        else { return nil }
        let datesBad = assessment.findings.contains {
            switch $0.kind {
            case .expired, .notYetValid: return true
            default: return false
            }
        }
        let acceptedElsewhere = context.leafAccepted(leaf.sha256)
        guard !datesBad || acceptedElsewhere else { return nil }
        var lines = [flow.alertEvidence(alert)]
        if let notBefore = leaf.notBefore, let notAfter = leaf.notAfter {
            lines.append(
                line:
                    "the leaf is valid from \(seconds: notBefore) to \(seconds: notAfter), and the capture time is \(flow.judgedAt)"
            )
        }
        if acceptedElsewhere { lines.append("other clients accepted the same certificate in this capture") }
        return make(
            "The client's clock is wrong: it calls a certificate expired that is valid at the time of the capture.",
            evidence: lines,
            remedy: "Fix the client's date and time (NTP); check the time zone and the hardware clock of the device.",
            check: "date -u   # on the client; compare with the capture time \(flow.judgedAt)", inferred: !datesBad)
    }
}

/// `tls_interception`: the certificate for a name comes from a different CA than other flows
/// for the same name see, or from a known inspection product: a middlebox terminates TLS.
struct TLSInterceptionRule: DiagnosisRule {
    let id = DiagnosisID.tlsInterception

    func diagnose(_ flow: FlowRecord, _ context: DiagnosisContext) -> Diagnosis? {
        guard let assessment = flow.chainAssessment, let leaf = assessment.certificates.first, leaf.parseError == nil
        else { return nil }
        let product = CertificateSummary.knownInspectionProduct(issuer: leaf.issuer)
        // Decided before the other issuers are listed: most chains are neither case.
        let differs = !assessment.trusted && context.trustedOtherIssuer(for: flow, than: leaf.issuer)
        guard product != nil || differs else { return nil }
        let trustedOthers = context.otherIssuers(for: flow, than: leaf.issuer).filter(\.trusted)
        var lines: [String] = []
        if let chain = flow.chainEvidence { lines.append(chain) }
        if let product { lines.append(line: "the issuer '\(leaf.issuer)' is \(product), a TLS inspection product") }
        for other in trustedOthers.prefix(3) {
            lines.append(
                line:
                    "\(counted(other.flows, "other flow")) for \(assessment.name ?? flow.serverAddress) got a trusted certificate issued by '\(other.issuer)'"
            )
        }
        if let rejection = flow.rejectionEvidence, flow.didFail { lines.append(rejection) }
        return make(
            "A middlebox is intercepting TLS: this client got a certificate from a different CA than others get for the same name.",
            evidence: lines,
            remedy:
                "Find the proxy or firewall doing TLS inspection on this client's path; exempt this destination, or install its CA on the client if the inspection is intended.",
            check: flow.opensslCheck("-showcerts")
                + "   # from this client's network and from another; compare the issuers")
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        index >= 0 && index < count ? self[index] : nil
    }
}
