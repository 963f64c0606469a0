import AutopsyEngine
import AutopsyFlow
import AutopsyTestSupport
import AutopsyX509
import Foundation
import Testing

/// Every certificate the engine finds in `shared/corpus`, summarised, against what Zeek's
/// x509.log (`*.expected/zeek/**/x509.log`: subject, issuer, validity, SAN DNS names, serial,
/// signature algorithm) and tshark (`x509ce.dNSName` per Certificate message in
/// `*.tshark.tsv`) say about the same certificates. Every difference must be a reviewed line of
/// `Tests/Tools/known-x509-differences.tsv`, and every line there must still differ.
@Suite struct CorpusX509Tests {
    @Test func agreesWithZeekAndTshark() throws {
        guard let shared = TestPaths.shared else {
            Issue.record("shared/corpus is absent (set TLSAUTOPSY_SHARED): certificates not compared")
            return
        }
        let corpus = shared.appendingPathComponent("corpus")
        let known = KnownX509Differences.load(
            TestPaths.repositoryRoot.appendingPathComponent("Tests/Tools/known-x509-differences.tsv"))
        var tally = X509Tally()
        for capture in TestPaths.files(under: corpus, suffixes: [".pcap", ".pcapng", ".cap"]) {
            let name = String(capture.path.dropFirst(corpus.path.count + 1))
            let records = CorpusCertificates.records(capture.path)
            var byFingerprint: [String: CertificateSummary] = [:]
            for record in records {
                for der in record.serverCertificates + record.clientCertificates {
                    let summary = CertificateSummary.summarize(der)
                    tally.summarized += 1
                    if byFingerprint[summary.sha256] == nil {
                        tally.distinct += 1
                        if let error = summary.parseError {
                            tally.parseErrors += 1
                            tally.differ(known, name, "summary", summary.sha256, "parse", ours: error, theirs: "-")
                        }
                    }
                    byFingerprint[summary.sha256] = summary
                }
            }
            for row in ZeekX509.rows(capture: capture) {
                tally.compareZeek(row, with: byFingerprint[row.fingerprint], capture: name, known: known)
            }
            if let text = try? String(contentsOf: URL(fileURLWithPath: capture.path + ".tshark.tsv"), encoding: .utf8) {
                tally.compareTshark(TsharkCertificates.rows(text), records: records, capture: name, known: known)
            }
        }
        print(tally.report())
        for line in tally.unexplained { Issue.record("\(line)") }
        for key in known.entries.keys.sorted() where !tally.seenKnown.contains(key) {
            Issue.record("known-x509-differences.tsv: \(key) no longer differs; remove it")
        }
        #expect(tally.distinct > 50, "distinct certificates found: \(tally.distinct)")
        #expect(tally.zeekRows > 20, "Zeek x509.log rows: \(tally.zeekRows)")
    }
}

/// Every chain of the corpus through the checker, at its flow's capture time, against the system
/// bundle: no trap, one validation per distinct chain, name and day; the figures are printed.
@Suite struct CorpusChainTests {
    @Test func assessesEveryCorpusChain() async throws {
        guard let shared = TestPaths.shared else { return }
        let store =
            FileManager.default.fileExists(atPath: TrustStore.systemBundlePath)
            ? try TrustStore.load(systemBundle: true, extraPEMFiles: []) : .empty
        let checker = CertificateChecker(trustStore: store)
        var chains = 0
        var counts: [String: Int] = [:]
        let corpus = shared.appendingPathComponent("corpus")
        for capture in TestPaths.files(under: corpus, suffixes: [".pcap", ".pcapng", ".cap"]) {
            for record in CorpusCertificates.records(capture.path) where !record.serverCertificates.isEmpty {
                chains += 1
                let name = record.serverName ?? "\(record.server.ip)"
                let result = await checker.assess(
                    chain: record.serverCertificates, name: name, at: record.firstTimestamp)
                #expect(result.certificates.count == record.serverCertificates.count)
                var tags = [result.trusted ? "trusted" : "not trusted"]
                if result.trustedIgnoringValidity && !result.trusted { tags.append("trusted but for dates") }
                if result.missingIntermediate != nil { tags.append("missing intermediate") }
                if result.untrustedRoot != nil { tags.append("untrusted root") }
                if result.findings(at: 0).contains(where: { if case .expired = $0.kind { true } else { false } }) {
                    tags.append("leaf expired")
                }
                if result.order != .ordered { tags.append("order \(result.order)") }
                tags.append("name \(result.nameMatch.map(\.rawValue) ?? "none")")
                for tag in tags { counts[tag, default: 0] += 1 }
            }
        }
        print("x509 chains: \(chains) assessed, \(checker.validationCount) validations, \(store.count) anchors")
        for tag in counts.keys.sorted() { print("  \(tag): \(counts[tag] ?? 0)") }
        #expect(chains > 100)
        #expect(checker.validationCount + checker.cacheHits == chains)
        #expect(checker.validationCount < chains)
    }
}

/// The engine's records of one capture (empty when the capture cannot be read).
enum CorpusCertificates {
    static func records(_ path: String) -> [FlowRecord] {
        var records: [FlowRecord] = []
        let analyzer = Analyzer(options: AnalysisOptions())
        do {
            try analyzer.analyze(path: path) { records.append($0) }
        } catch {
            return records
        }
        return records
    }

    /// A real certificate from the corpus (the leaf of `zeek/tls1.2.pcap`), when the corpus is here.
    static func first() -> [UInt8]? {
        guard let shared = TestPaths.shared else { return nil }
        let path = shared.appendingPathComponent("corpus/zeek/tls1.2.pcap").path
        return records(path).lazy.flatMap(\.serverCertificates).first
    }
}

/// One row of a Zeek x509.log.
struct ZeekX509Row {
    var fingerprint: String
    var fields: [String: String]
}

enum ZeekX509 {
    /// The rows of every x509.log of a capture, once per fingerprint.
    static func rows(capture: URL) -> [ZeekX509Row] {
        let expected = URL(fileURLWithPath: capture.path + ".expected/zeek")
        var seen: Set<String> = []
        var rows: [ZeekX509Row] = []
        for log in TestPaths.files(under: expected, suffixes: ["x509.log"]) {
            guard let text = try? String(contentsOf: log, encoding: .utf8) else { continue }
            var header: [String] = []
            for line in text.split(separator: "\n") {
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                if columns.first == "#fields" {
                    header = Array(columns.dropFirst())
                    continue
                }
                guard !line.hasPrefix("#"), columns.count == header.count else { continue }
                let fields = Dictionary(zip(header, columns), uniquingKeysWith: { first, _ in first })
                guard let fingerprint = fields["fingerprint"], seen.insert(fingerprint).inserted else { continue }
                rows.append(ZeekX509Row(fingerprint: fingerprint, fields: fields))
            }
        }
        return rows
    }
}

/// One tshark row carrying a Certificate message: its stream, sender and SAN DNS names.
struct TsharkCertificateRow {
    var frame: String
    var stream: Int
    var senderPort: UInt16
    var senderIP: String
    var receiverPort: UInt16
    var receiverIP: String
    var dnsNames: [String]
}

enum TsharkCertificates {
    static func rows(_ text: String) -> [TsharkCertificateRow] {
        let lines = text.split(separator: "\n")
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init),
            let frame = header.firstIndex(of: "frame.number"), let stream = header.firstIndex(of: "tcp.stream"),
            let ip = header.firstIndex(of: "ip.src"), let ipv6 = header.firstIndex(of: "ipv6.src"),
            let port = header.firstIndex(of: "tcp.srcport"), let dstIP = header.firstIndex(of: "ip.dst"),
            let dstIPv6 = header.firstIndex(of: "ipv6.dst"), let dstPort = header.firstIndex(of: "tcp.dstport"),
            let lengths = header.firstIndex(of: "tls.handshake.certificate_length"),
            let names = header.firstIndex(of: "x509ce.dNSName")
        else { return [] }
        var rows: [TsharkCertificateRow] = []
        for line in lines.dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == header.count, !fields[lengths].isEmpty, let streamNumber = Int(fields[stream]),
                let senderPort = fields[port].split(separator: ",").last.flatMap({ UInt16($0) }),
                let receiverPort = fields[dstPort].split(separator: ",").last.flatMap({ UInt16($0) })
            else { continue }
            // With tunnels the inner (last) address is the flow's.
            func last(_ v4: Int, _ v6: Int) -> String {
                (fields[v4].isEmpty ? fields[v6] : fields[v4]).split(separator: ",").last.map(String.init) ?? ""
            }
            rows.append(
                TsharkCertificateRow(
                    frame: fields[frame], stream: streamNumber, senderPort: senderPort, senderIP: last(ip, ipv6),
                    receiverPort: receiverPort, receiverIP: last(dstIP, dstIPv6),
                    dnsNames: fields[names].split(separator: ",").map(String.init)))
        }
        return rows
    }
}

/// Reviewed differences: `capture<TAB>source<TAB>key<TAB>field<TAB>reason`.
struct KnownX509Differences {
    var entries: [String: String] = [:]

    static func key(_ capture: String, _ source: String, _ item: String, _ field: String) -> String {
        "\(capture)\t\(source)\t\(item)\t\(field)"
    }

    static func load(_ url: URL) -> KnownX509Differences {
        var known = KnownX509Differences()
        guard let data = FileManager.default.contents(atPath: url.path) else { return known }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5, !fields[4].isEmpty else {
                Issue.record("known-x509-differences.tsv: malformed line: \(line)")
                continue
            }
            known.entries[key(fields[0], fields[1], fields[2], fields[3])] = fields[4]
        }
        return known
    }
}

struct X509Tally {
    var summarized = 0
    var distinct = 0
    var parseErrors = 0
    var zeekRows = 0
    var zeekFound = 0
    /// field -> (compared, agreed)
    var zeekFields: [String: (compared: Int, agreed: Int)] = [:]
    var tsharkRows = 0
    var tsharkAgreed = 0
    var unexplained: [String] = []
    var explained: [String] = []
    var seenKnown: Set<String> = []

    mutating func differ(
        _ known: KnownX509Differences, _ capture: String, _ source: String, _ item: String, _ field: String,
        ours: String, theirs: String
    ) {
        let key = KnownX509Differences.key(capture, source, item, field)
        let line = "\(capture) \(source) \(item) \(field): ours \(ours) | theirs \(theirs)"
        if let reason = known.entries[key] {
            seenKnown.insert(key)
            explained.append(line + " (known: \(reason))")
        } else {
            unexplained.append(line)
        }
    }

    mutating func compareZeek(
        _ row: ZeekX509Row, with summary: CertificateSummary?, capture: String, known: KnownX509Differences
    ) {
        zeekRows += 1
        guard let summary, summary.parseError == nil else {
            differ(known, capture, "zeek", row.fingerprint, "seen", ours: "not found", theirs: "in x509.log")
            return
        }
        zeekFound += 1
        func epoch(_ value: String?) -> String { value.flatMap { Double($0) }.map { String(Int64($0)) } ?? "-" }
        let pairs: [(String, String, String)] = [
            ("certificate.subject", summary.subject, row.fields["certificate.subject"] ?? "-"),
            ("certificate.issuer", summary.issuer, row.fields["certificate.issuer"] ?? "-"),
            (
                "certificate.not_valid_before", summary.notBefore.map { String($0.seconds) } ?? "-",
                epoch(row.fields["certificate.not_valid_before"])
            ),
            (
                "certificate.not_valid_after", summary.notAfter.map { String($0.seconds) } ?? "-",
                epoch(row.fields["certificate.not_valid_after"])
            ),
            (
                "san.dns", summary.sanDNS.isEmpty ? "-" : summary.sanDNS.joined(separator: ","),
                row.fields["san.dns"] ?? "-"
            ),
            ("certificate.serial", summary.serial.uppercased(), row.fields["certificate.serial"] ?? "-"),
            ("certificate.sig_alg", summary.signatureAlgorithm, row.fields["certificate.sig_alg"] ?? "-"),
        ]
        for (field, ours, theirs) in pairs {
            var count = zeekFields[field] ?? (0, 0)
            count.compared += 1
            if ours == theirs {
                count.agreed += 1
            } else {
                differ(known, capture, "zeek", row.fingerprint, field, ours: ours, theirs: theirs)
            }
            zeekFields[field] = count
        }
    }

    mutating func compareTshark(
        _ rows: [TsharkCertificateRow], records: [FlowRecord], capture: String, known: KnownX509Differences
    ) {
        for row in rows {
            tsharkRows += 1
            let item = "stream \(row.stream) frame \(row.frame)"
            // Flows by their two endpoints; several connections between them by tcp.stream (our id - 1).
            let sender = "\(row.senderIP) \(row.senderPort)"
            let receiver = "\(row.receiverIP) \(row.receiverPort)"
            let candidates = records.filter { record in
                let ends = ["\(record.client.ip) \(record.client.port)", "\(record.server.ip) \(record.server.port)"]
                return Set(ends) == Set([sender, receiver])
            }
            guard
                let record = candidates.count == 1
                    ? candidates.first : candidates.first(where: { $0.id - 1 == row.stream })
            else {
                differ(
                    known, capture, "tshark", item, "x509ce.dNSName", ours: "no flow",
                    theirs: row.dnsNames.joined(separator: ","))
                continue
            }
            let fromServer = record.server.port == row.senderPort && "\(record.server.ip)" == row.senderIP
            let chain = fromServer ? record.serverCertificates : record.clientCertificates
            let ours = chain.flatMap { CertificateSummary.summarize($0).sanDNS }
            if ours == row.dnsNames {
                tsharkAgreed += 1
            } else {
                differ(
                    known, capture, "tshark", item, "x509ce.dNSName", ours: ours.joined(separator: ","),
                    theirs: row.dnsNames.joined(separator: ","))
            }
        }
    }

    func report() -> String {
        var lines = [
            "x509 corpus: \(summarized) certificates summarised, \(distinct) distinct per capture, \(parseErrors) parse errors",
            "zeek x509.log: \(zeekRows) certificates listed, \(zeekFound) found and readable",
        ]
        for field in zeekFields.keys.sorted() {
            if let count = zeekFields[field] {
                lines.append("  \(field): \(count.agreed)/\(count.compared) agree")
            }
        }
        lines.append("tshark x509ce.dNSName: \(tsharkAgreed)/\(tsharkRows) Certificate messages agree")
        lines.append("known differences seen: \(explained.count), unexplained: \(unexplained.count)")
        lines += explained.map { "  known: " + $0 }
        return lines.joined(separator: "\n")
    }
}
