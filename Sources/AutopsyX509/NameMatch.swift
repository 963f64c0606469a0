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
        if let matched = ASCIINames.match(name, hasSAN ? summary.sanDNS : nil, commonName: summary.commonName) {
            return matched
        }
        return textMatch(name, summary: summary, hasSAN: hasSAN)
    }

    /// `nameMatches` for a DNS name, through lowercased copies of the texts and their labels
    /// (Unicode's comparison): the path of any text that is not ASCII, and the reference
    /// `ASCIINames` is tested against.
    static func textMatch(_ name: String, summary: CertificateSummary, hasSAN: Bool) -> NameMatch {
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
        let patternLabels = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let nameLabels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard patternLabels.count >= 3, patternLabels.first == "*", nameLabels.count == patternLabels.count,
            let first = nameLabels.first, !first.isEmpty
        else { return false }
        return patternLabels.dropFirst().elementsEqual(nameLabels.dropFirst())
            && !patternLabels.dropFirst().contains("*")
            && !patternLabels.dropFirst().contains("")
    }
}

/// Name matching on ASCII bytes where they lie, without the lowercased copies and label
/// lists of `textMatch` (which cost about 6,000 instructions a match, once per flow whose
/// chain is seen with a name the chain was not last matched with). The same answers for
/// ASCII texts: ASCII lowercasing is A-Z only, and a name's one trailing dot is left out.
enum ASCIINames {
    /// The match of `name` against the DNS names `sans` (nil: the certificate has no
    /// subjectAltName entries, so its CN counts), as `textMatch` gives it; nil when the name
    /// or a text it is compared with is not ASCII or not contiguous.
    static func match(_ name: String, _ sans: [String]?, commonName: String?) -> NameMatch? {
        let result = name.utf8.withContiguousStorageIfAvailable { wanted -> NameMatch? in
            guard isASCII(wanted) else { return nil }
            let wanted = trimmed(wanted)
            guard let sans else {
                guard !wanted.isEmpty else { return .cnOnlyMismatch }
                guard let commonName else { return .cnOnlyMismatch }
                guard let covered = compare(commonName, wanted, { equal($0, $1) || wildcardCovers($0, $1) }) else {
                    return nil
                }
                return covered ? .cnOnlyMatch : .cnOnlyMismatch
            }
            guard !wanted.isEmpty else { return .mismatch }
            // An equal entry anywhere wins over a wildcard anywhere.
            var wildcard = false
            for san in sans {
                let found = compare(san, wanted) { entry, wanted -> NameMatch in
                    equal(entry, wanted) ? .matchesSAN : wildcardCovers(entry, wanted) ? .matchesWildcard : .mismatch
                }
                guard let found else { return nil }
                if found == .matchesSAN { return .matchesSAN }
                wildcard = wildcard || found == .matchesWildcard
            }
            return wildcard ? .matchesWildcard : .mismatch
        }
        return result ?? nil
    }

    /// `test` on `text`'s bytes, trailing dot left out, and `wanted`; nil when `text` is not
    /// ASCII or not contiguous.
    private static func compare<Result>(
        _ text: String, _ wanted: UnsafeBufferPointer<UInt8>,
        _ test: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result? {
        let result = text.utf8.withContiguousStorageIfAvailable { bytes -> Result? in
            isASCII(bytes) ? test(trimmed(bytes), wanted) : nil
        }
        return result ?? nil
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 < 0x80 }
    }

    /// The bytes without their one trailing dot.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let last = bytes.last, last == UInt8(ascii: ".") else { return bytes }
        return UnsafeBufferPointer(rebasing: bytes.dropLast())
    }

    static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// Equal but for ASCII case.
    static func equal<A: Collection<UInt8>, B: Collection<UInt8>>(_ left: A, _ right: B) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { lower($0) == lower($1) }
    }

    /// `wildcardCovers` of `textMatch`: the pattern is `*.` then at least two labels, none
    /// empty or `*`; the name's first label is not empty and the rest equals the pattern's.
    static func wildcardCovers(_ pattern: UnsafeBufferPointer<UInt8>, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let dot = UInt8(ascii: ".")
        guard pattern.count >= 2, pattern[0] == UInt8(ascii: "*"), pattern[1] == dot else { return false }
        let rest = pattern.dropFirst(2)
        guard let nameDot = name.firstIndex(of: dot), nameDot > 0 else { return false }
        guard equal(rest, name[(nameDot + 1)...]) else { return false }
        // At least two labels, none empty, none "*".
        guard let first = rest.first, first != dot, rest.last != dot, rest.contains(dot) else { return false }
        var labelStart = rest.startIndex
        for index in rest.indices where rest[index] == dot {
            if index == labelStart || (index == labelStart + 1 && rest[labelStart] == UInt8(ascii: "*")) {
                return false
            }
            labelStart = index + 1
        }
        return !(rest.endIndex == labelStart + 1 && rest[labelStart] == UInt8(ascii: "*"))
    }
}
