import AutopsyPackets
import FoundationEssentials
import SwiftASN1
@_spi(FixedExpiryValidationTime) @_spi(DisableValidityCheck) import X509

/// What swift-certificates' `Verifier` said about one chain.
struct VerifierOutcome: Sendable, Hashable {
    var trusted = false
    var trustedIgnoringValidity = false
    var anchor: String?
    var error: String?
}

/// Runs swift-certificates' `Verifier` over a chain, at a fixed time.
enum VerifierRun {
    /// Validates the leaf with the other parsed certificates as intermediates, at `time` with
    /// `RFC5280Policy(fixedExpiryValidationTime:)` (the supported form of the deprecated
    /// `RFC5280Policy(validationTime:)`); when that fails, once more with validity not checked.
    static func validate(_ parsed: [ParsedCertificate?], trustStore: TrustStore, at time: Timestamp) async
        -> VerifierOutcome
    {
        var outcome = VerifierOutcome()
        guard let first = parsed.first, let leafParsed = first else {
            outcome.error = "the leaf certificate does not parse"
            return outcome
        }
        guard let leaf = leafParsed.certificate else {
            outcome.error =
                "swift-certificates cannot load the leaf certificate (\(leafParsed.certificateError ?? "unknown reason"))"
            return outcome
        }
        if trustStore.contains(leafParsed) {
            // The leaf is itself an anchor (a pinned self-signed server certificate, as with
            // `--ca-file server.pem`): trusted when valid at the capture time, as OpenSSL does.
            // swift-certificates' RFC 5280 policy would refuse a self-signed leaf that is not a CA.
            outcome.trustedIgnoringValidity = true
            outcome.anchor = NameText.format(leafParsed.subject)
            let seconds = time.seconds
            if seconds < leafParsed.notBefore {
                outcome.error = "the leaf is itself a trust anchor but is not yet valid at the capture time"
            } else if seconds > leafParsed.notAfter {
                outcome.error = "the leaf is itself a trust anchor but has expired at the capture time"
            } else {
                outcome.trusted = true
            }
            return outcome
        }
        let intermediates = CertificateStore(parsed.dropFirst().compactMap { $0?.certificate })
        let roots = CertificateStore(trustStore.certificates)
        let date = Date(timeIntervalSince1970: Double(time.seconds) + Double(time.nanoseconds) / 1e9)

        var verifier = Verifier(rootCertificates: roots) {
            RFC5280Policy(fixedExpiryValidationTime: date)
            HandledCriticalExtensions()
        }
        let result = await verifier.validate(leaf: leaf, intermediates: intermediates)
        switch result {
        case .validCertificate(let chain):
            outcome.trusted = true
            outcome.trustedIgnoringValidity = true
            outcome.anchor = chain.last.map { NameText.format($0.subject) }
            return outcome
        case .couldNotValidate(let failures):
            outcome.error = describe(failures, trustStore: trustStore)
        }

        var lenient = Verifier(rootCertificates: roots) {
            RFC5280Policy.withValidityCheckDisabled()
            HandledCriticalExtensions()
        }
        if case .validCertificate(let chain) = await lenient.validate(leaf: leaf, intermediates: intermediates) {
            outcome.trustedIgnoringValidity = true
            outcome.anchor = chain.last.map { NameText.format($0.subject) }
        }
        return outcome
    }

    /// The verifier's reasons, with each embedded certificate description cut to its subject.
    private static func describe(_ failures: [CertificateValidationResult.PolicyFailure], trustStore: TrustStore)
        -> String
    {
        if failures.isEmpty {
            return trustStore.count == 0
                ? "no chain to a trust anchor: the trust store is empty"
                : "no chain to a trust anchor: no candidate chain reached one of the \(trustStore.count) anchors"
        }
        var reasons: [String] = []
        for failure in failures {
            let reason = shorten(String(describing: failure.policyFailureReason))
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons.joined(separator: "; ")
    }

    /// Replaces each `Certificate(version: ..., subject: "CN=x", ...)` in a reason by `'CN=x'`.
    static func shorten(_ text: String) -> String {
        let marker = "Certificate(version:"
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: marker) {
            result += rest[..<start.lowerBound]
            var depth = 0
            var end = start.lowerBound
            var index = rest.index(start.lowerBound, offsetBy: "Certificate".count)
            while index < rest.endIndex {
                if rest[index] == "(" { depth += 1 }
                if rest[index] == ")" {
                    depth -= 1
                    if depth == 0 {
                        end = rest.index(after: index)
                        break
                    }
                }
                index = rest.index(after: index)
            }
            guard end > start.lowerBound else { return result + rest }
            let inner = rest[start.lowerBound..<end]
            result += "'" + (subject(in: inner) ?? "certificate") + "'"
            rest = rest[end...]
        }
        return result + rest
    }

    private static func subject(in description: Substring) -> String? {
        guard let key = description.firstRange(of: "subject: \"") else { return nil }
        let tail = description[key.upperBound...]
        guard let close = tail.firstIndex(of: "\"") else { return nil }
        return String(tail[..<close])
    }
}

/// Declares the critical extensions a web client processes besides RFC 5280's own, so that a
/// critical extendedKeyUsage or subjectAltName does not fail validation. The name itself is
/// matched separately (`CertificateSummary.nameMatches`); extended key usage is not enforced.
struct HandledCriticalExtensions: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.extendedKeyUsage, .X509ExtensionID.subjectAlternativeName,
    ]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        .meetsPolicy
    }
}
