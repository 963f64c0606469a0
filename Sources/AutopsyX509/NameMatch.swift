/// How a server name (SNI, or the server's IP address when there is none) matches a certificate,
/// by RFC 6125 section 6 as browsers apply it.
public enum NameMatch: String, Sendable, Hashable, CaseIterable {
    /// A subjectAltName entry equals the name (case-insensitive, trailing dot ignored).
    case matchesSAN
    /// A `*.` subjectAltName entry covers the name: the wildcard stands for exactly one left-most label.
    case matchesWildcard
    /// The certificate has subjectAltName entries and none covers the name.
    case mismatch
    /// No subjectAltName entries; the subject CN covers the name. Modern clients reject this.
    case cnOnlyMatch
    /// No subjectAltName entries and the subject CN does not cover the name either.
    case cnOnlyMismatch

    /// Whether a modern client accepts the certificate for the name.
    public var isMatch: Bool { self == .matchesSAN || self == .matchesWildcard }
}

extension CertificateSummary {
    /// Matches a server name or IP address literal against the certificate by RFC 6125: DNS names
    /// against dNSName entries (CN only when there are no subjectAltName entries at all), IP
    /// addresses against iPAddress entries only.
    public static func nameMatches(_ name: String, summary: CertificateSummary) -> NameMatch {
        let hasSAN = !summary.sanDNS.isEmpty || !summary.sanIP.isEmpty
        if let address = IPAddressText.parse(name) {
            let matched = summary.sanIP.contains { IPAddressText.parse($0) == address }
            if matched { return .matchesSAN }
            return hasSAN ? .mismatch : .cnOnlyMismatch
        }
        let wanted = normalized(name)
        guard !wanted.isEmpty else { return hasSAN ? .mismatch : .cnOnlyMismatch }
        if hasSAN {
            if summary.sanDNS.contains(where: { normalized($0) == wanted }) { return .matchesSAN }
            if summary.sanDNS.contains(where: { wildcardCovers(normalized($0), wanted) }) { return .matchesWildcard }
            return .mismatch
        }
        guard let commonName = summary.commonName.map(normalized) else { return .cnOnlyMismatch }
        return commonName == wanted || wildcardCovers(commonName, wanted) ? .cnOnlyMatch : .cnOnlyMismatch
    }

    /// Lowercase ASCII, no trailing dot.
    private static func normalized(_ name: String) -> String {
        var text = name.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `*.example.test` covers `a.example.test`: the pattern's first label is exactly `*`, the
    /// name has exactly one label in its place, the rest is equal, and at least two labels
    /// follow the wildcard (no `*.test`).
    private static func wildcardCovers(_ pattern: String, _ name: String) -> Bool {
        // Only a pattern whose first label is exactly "*" covers anything.
        guard pattern.utf8.starts(with: "*.".utf8) else { return false }
        if let covered = asciiWildcardCovers(Array(pattern.utf8), Array(name.utf8)) { return covered }
        let patternLabels = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let nameLabels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard patternLabels.count >= 3, patternLabels.first == "*", nameLabels.count == patternLabels.count,
            let first = nameLabels.first, !first.isEmpty
        else { return false }
        return patternLabels.dropFirst().elementsEqual(nameLabels.dropFirst())
            && !patternLabels.dropFirst().contains("*")
            && !patternLabels.dropFirst().contains("")
    }

    /// `wildcardCovers` on bytes, for ASCII text (nil otherwise: the label comparison is then
    /// Unicode's): the pattern is `*.` and at least two labels, none empty or `*`; the name's
    /// first label is not empty and the rest equals the pattern's.
    private static func asciiWildcardCovers(_ pattern: [UInt8], _ name: [UInt8]) -> Bool? {
        guard pattern.allSatisfy({ $0 < 0x80 }), name.allSatisfy({ $0 < 0x80 }) else { return nil }
        let dot = UInt8(ascii: ".")
        let rest = pattern.dropFirst(2)
        guard let nameDot = name.firstIndex(of: dot), nameDot > name.startIndex else { return false }
        guard rest.elementsEqual(name[(nameDot + 1)...]) else { return false }
        let labels = rest.split(separator: dot, omittingEmptySubsequences: false)
        return labels.count >= 2 && !labels.contains { $0.isEmpty || $0.elementsEqual([UInt8(ascii: "*")]) }
    }
}
