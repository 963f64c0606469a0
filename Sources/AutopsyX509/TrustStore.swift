import FoundationEssentials
import SwiftASN1
import X509

/// The trust anchors chains are validated against: the system bundle, the user's own PEM files,
/// or both.
public struct TrustStore: Sendable {
    /// Debian's bundle, installed by `apt-get install ca-certificates`.
    public static let systemBundlePath = "/etc/ssl/certs/ca-certificates.crt"

    /// The anchors, as swift-certificates loaded them.
    let certificates: [Certificate]
    /// The anchors read field by field, by subject, for the chain checks.
    let anchorsBySubject: [DistinguishedName: [ParsedCertificate]]
    /// The DER of every anchor, to know a sent certificate that is itself an anchor.
    let anchorDER: Set<[UInt8]>

    /// The number of anchors.
    public var count: Int { certificates.count }
    /// Certificates of the files that could not be used as anchors, one line each: file, position, reason.
    public let skipped: [String]
    /// The files the anchors came from, in load order.
    public let sources: [String]

    /// A store with no anchors: nothing validates.
    public static let empty = TrustStore(anchors: [], skipped: [], sources: [])

    /// A store of the given DER certificates; those that do not load are listed in `skipped`.
    public init(derCertificates: [[UInt8]]) {
        var anchors: [(Certificate, ParsedCertificate)] = []
        var skipped: [String] = []
        for (index, der) in derCertificates.enumerated() {
            switch Self.anchor(der) {
            case .success(let anchor): anchors.append(anchor)
            case .failure(let reason): skipped.append("certificate \(index + 1): \(reason.problem)")
            }
        }
        self.init(anchors: anchors, skipped: skipped, sources: [])
    }

    private init(anchors: [(Certificate, ParsedCertificate)], skipped: [String], sources: [String]) {
        certificates = anchors.map(\.0)
        anchorsBySubject = Dictionary(grouping: anchors.map(\.1), by: \.subject)
        anchorDER = Set(anchors.map(\.1.der))
        self.skipped = skipped
        self.sources = sources
    }

    /// Loads the system bundle (unless `systemBundle` is false, `--no-system-trust`) and each
    /// extra PEM file (`--ca-file`, repeatable). A file that cannot be read, holds no
    /// certificate, or holds a malformed PEM block is an error naming the file; a well-formed
    /// certificate swift-certificates cannot use as an anchor is only listed in `skipped`.
    public static func load(systemBundle: Bool, extraPEMFiles: [String]) throws(TrustStoreError) -> TrustStore {
        var paths: [String] = []
        if systemBundle { paths.append(systemBundlePath) }
        paths += extraPEMFiles
        var anchors: [(Certificate, ParsedCertificate)] = []
        var skipped: [String] = []
        for path in paths {
            let blocks = try pemCertificates(path: path, isSystemBundle: systemBundle && path == systemBundlePath)
            for (position, der) in blocks.enumerated() {
                switch anchor(der) {
                case .success(let anchor): anchors.append(anchor)
                case .failure(let reason): skipped.append("\(path): certificate \(position + 1): \(reason.problem)")
                }
            }
        }
        return TrustStore(anchors: anchors, skipped: skipped, sources: paths)
    }

    private static func anchor(_ der: [UInt8]) -> Result<(Certificate, ParsedCertificate), TrustStoreError> {
        do {
            let parsed = try ParsedCertificate(der: der)
            guard let certificate = parsed.certificate else {
                return .failure(TrustStoreError(path: "", problem: parsed.certificateError ?? "not loadable"))
            }
            return .success((certificate, parsed))
        } catch {
            return .failure(TrustStoreError(path: "", problem: ParsedCertificate.reason(error)))
        }
    }

    /// The DER of every `CERTIFICATE` block of a PEM file.
    /// A line without leading and trailing white space (what Foundation's `trimmingCharacters`
    /// removes, without its detour through UTF-16: the system bundle has 4,000 lines).
    static func trimmed(_ line: Substring) -> Substring {
        var start = line.startIndex
        var end = line.endIndex
        while start < end, line[start].isWhitespace { start = line.index(after: start) }
        while end > start, line[line.index(before: end)].isWhitespace { end = line.index(before: end) }
        return line[start..<end]
    }

    static func pemCertificates(path: String, isSystemBundle: Bool) throws(TrustStoreError) -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            var problem = exists ? "cannot be read" : "does not exist"
            if isSystemBundle && !exists {
                problem += " (install the ca-certificates package, or pass --no-system-trust)"
            }
            throw TrustStoreError(path: path, problem: problem)
        }
        let text = String(decoding: data, as: UTF8.self)
        var certificates: [[UInt8]] = []
        var lineNumber = 0
        var blockStart = 0
        var block: [Substring]?
        // Lines cut on the byte, not on Characters (grapheme breaking over the 200 KB bundle).
        for lineBytes in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let line = Substring(lineBytes)
            lineNumber += 1
            let trimmed = Self.trimmed(line)
            if trimmed == "-----BEGIN CERTIFICATE-----" {
                block = [trimmed]
                blockStart = lineNumber
            } else if var open = block {
                open.append(trimmed)
                block = open
                if trimmed == "-----END CERTIFICATE-----" {
                    do {
                        certificates.append(try PEMDocument(pemString: open.joined(separator: "\n")).derBytes)
                    } catch {
                        throw TrustStoreError(
                            path: path,
                            problem:
                                "malformed PEM certificate at line \(blockStart): \(ParsedCertificate.reason(error))")
                    }
                    block = nil
                }
            }
        }
        if block != nil {
            throw TrustStoreError(path: path, problem: "PEM certificate at line \(blockStart) has no END line")
        }
        guard !certificates.isEmpty else {
            throw TrustStoreError(path: path, problem: "holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// Whether this exact certificate is an anchor.
    func contains(_ parsed: ParsedCertificate) -> Bool {
        anchorDER.contains(parsed.der)
    }

    /// The anchor that issued `parsed`: same name as its issuer, consistent key identifiers, and a
    /// signature that verifies (or cannot be checked).
    func issuer(of parsed: ParsedCertificate) -> ParsedCertificate? {
        guard let candidates = anchorsBySubject[parsed.issuer] else { return nil }
        let authority = KeyIdentifiers(parsed).authority
        let matching = candidates.filter { candidate in
            guard let authority, let subjectKey = KeyIdentifiers(candidate).subject else { return true }
            return authority == subjectKey
        }
        return matching.first { signatureVerifies(parsed, by: $0) == true }
            ?? matching.first { signatureVerifies(parsed, by: $0) == nil }
    }

    /// An anchor with the same subject and key as `parsed` (another encoding of the same root).
    func sameKeyAnchor(as parsed: ParsedCertificate) -> ParsedCertificate? {
        anchorsBySubject[parsed.subject]?.first { $0.publicKeyBytes == parsed.publicKeyBytes }
    }
}

/// A trust store file that could not be used: which file, and what is wrong with it.
public struct TrustStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong, in words.
    public var problem: String

    /// Creates an error.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `path: problem`.
    public var description: String { "\(path): \(problem)" }
}
