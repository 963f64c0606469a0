import AutopsyEngine
import AutopsyFlow
import AutopsyTestSupport
import Foundation
import Testing

/// Our JA3, JA3S and JA4 over the real captures of `shared/corpus`, against what other tools
/// computed for the same hellos:
///
/// - `tshark`: `tls.handshake.ja3` and `tls.handshake.ja3s` of `<capture>.tshark.tsv` (tshark 4.0.17).
/// - `ja4py`: `JA4.n` of `<capture>.ja4py.json` (FoxIO's ja4.py, run over the capture).
/// - `ja4-python`, `ja4-rust`: FoxIO's own expected output shipped with its test pcaps
///   (`<capture>.expected/ja4/python-testdata.*.json`, `rust-insta.*.snap`).
/// - `flowtest`: CESNET FlowTest's `tls_ja3` annotations (`<capture>.expected/flowtest/*.yml`).
/// - `arkime`: Arkime's expected sessions (`<capture>.expected/arkime/*.test`: `tls.ja3`, `ja3s`, `ja4`).
///
/// Flows are matched to references by their two endpoints, address and port (ja4.py calls the
/// sender of a stream's first captured packet `src`, not always the client), and by `tcp.stream`
/// (our record id - 1) when the same endpoints carry several flows. Every reference value must agree, except the reviewed entries of
/// `Tests/Tools/known-fingerprint-disagreements.tsv`, each of which must still disagree.
@Suite struct FingerprintCorpusTests {
    @Test func agreesWithReferenceTools() throws {
        guard let shared = TestPaths.shared else {
            Issue.record("shared/corpus is absent (set TLSAUTOPSY_SHARED): fingerprints not compared with references")
            return
        }
        let corpus = shared.appendingPathComponent("corpus")
        let known = try KnownDisagreements.load(
            TestPaths.repositoryRoot.appendingPathComponent("Tests/Tools/known-fingerprint-disagreements.tsv"))
        var tally = Tally()
        let captures = TestPaths.files(under: corpus, suffixes: [".pcap", ".pcapng", ".cap"])
        #expect(captures.count > 100, "the corpus holds over 100 captures")
        for capture in captures {
            let name = String(capture.path.dropFirst(corpus.path.count + 1))
            let references = try References.load(capture: capture)
            var records: [FlowRecord] = []
            let analyzer = Analyzer(options: AnalysisOptions())
            do {
                try analyzer.analyze(path: capture.path) { records.append($0) }
            } catch {
                // Only a link type the decoder does not know may stop us, and only where no tool gave a value.
                if !references.isEmpty || error.code != .unsupportedLinkType {
                    Issue.record("\(name): not analyzed: \(error)")
                }
                continue
            }
            let flows = Flows(records)
            var referenced: Set<Int> = []
            for reference in references {
                let id = tally.compare(reference, with: flows, capture: name, known: known)
                if let id, reference.kind != .ja3s { referenced.insert(id) }
            }
            let unreferenced = records.filter { !referenced.contains($0.id) }.reduce(0) {
                $0 + [$1.clientHello, $1.retryClientHello].compactMap { $0 }.count
            }
            if unreferenced > 0 { tally.unreferenced.append("\(name) \(unreferenced)") }
        }
        print(tally.report())
        for line in tally.unexplained {
            Issue.record("\(line)")
        }
        for entry in known.entries where !tally.seenKnown.contains(entry.key) {
            Issue.record(
                "known-fingerprint-disagreements.tsv: \(entry.key.capture) stream \(entry.key.stream) \(entry.key.fingerprint) no longer disagrees; remove it"
            )
        }
        let ja3 = tally.counts[Tally.Key(source: .tshark, kind: .ja3)] ?? Tally.Count()
        let ja4 = tally.counts[Tally.Key(source: .ja4py, kind: .ja4)] ?? Tally.Count()
        #expect(ja3.compared > 250, "tshark JA3 references found: \(ja3.compared)")
        #expect(ja4.compared > 250, "ja4py JA4 references found: \(ja4.compared)")
    }
}

// MARK: - References

/// Which fingerprint a reference gives.
private enum Kind: String, CaseIterable {
    case ja3, ja3s, ja4
}

/// Which tool a reference comes from.
private enum Source: String, CaseIterable {
    case tshark, ja4py
    case ja4Python = "ja4-python"
    case ja4Rust = "ja4-rust"
    case flowtest, arkime
}

/// One value another tool computed for a hello of one flow.
private struct Reference {
    var source: Source
    var kind: Kind
    /// tcp.stream, when the source numbers flows that way.
    var stream: Int?
    /// The flow's two endpoints as address and port (`"192.0.2.1 50000"`), the client first when
    /// the source says which side is the client (ja4.py names the first packet's sender `src`).
    var endpoints: [String]
    /// 1-based position among the flow's hellos of that side (a second ClientHello follows a
    /// HelloRetryRequest); nil when the source only lists values.
    var index: Int?
    var value: String
}

private enum References {
    /// Every reference for one capture, from every source that has one.
    static func load(capture: URL) throws -> [Reference] {
        let path = capture.path
        var references: [Reference] = []
        if let text = read(path + ".tshark.tsv") {
            references += tshark(text)
        }
        if let data = FileManager.default.contents(atPath: path + ".ja4py.json") {
            references += try ja4JSON(data, source: .ja4py)
        }
        let expected = URL(fileURLWithPath: path + ".expected")
        for file in TestPaths.files(under: expected.appendingPathComponent("ja4"), suffixes: [".json"]) {
            if let data = FileManager.default.contents(atPath: file.path) {
                references += try ja4JSON(data, source: .ja4Python)
            }
        }
        for file in TestPaths.files(under: expected.appendingPathComponent("ja4"), suffixes: [".snap"]) {
            references += rustSnapshot(read(file.path) ?? "")
        }
        for file in TestPaths.files(under: expected.appendingPathComponent("flowtest"), suffixes: [".yml"]) {
            references += flowtest(read(file.path) ?? "")
        }
        for file in TestPaths.files(under: expected.appendingPathComponent("arkime"), suffixes: [".test"]) {
            references += try arkime(read(file.path) ?? "")
        }
        return references
    }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// tshark rows with `tls.handshake.ja3` or `ja3s`, TCP only, in frame order per stream.
    static func tshark(_ text: String) -> [Reference] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) else {
            return []
        }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let streamColumn = column("tcp.stream"), let ipColumn = column("ip.src"),
            let ipv6Column = column("ipv6.src"), let portColumn = column("tcp.srcport"),
            let ja3Column = column("tls.handshake.ja3"), let ja3sColumn = column("tls.handshake.ja3s")
        else { return [] }
        var references: [Reference] = []
        var positions: [String: Int] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == header.count, let stream = Int(fields[streamColumn]) else { continue }
            // With tunnels the inner (last) address is the flow's.
            let ip =
                (fields[ipColumn].isEmpty ? fields[ipv6Column] : fields[ipColumn])
                .split(separator: ",").last.map(String.init) ?? ""
            let port = fields[portColumn].split(separator: ",").last.map(String.init) ?? ""
            for (kind, index) in [(Kind.ja3, ja3Column), (Kind.ja3s, ja3sColumn)] {
                for value in fields[index].split(separator: ",") {
                    let positionKey = "\(kind) \(stream)"
                    let position = (positions[positionKey] ?? 0) + 1
                    positions[positionKey] = position
                    references.append(
                        Reference(
                            source: .tshark, kind: kind, stream: stream,
                            endpoints: ["\(ip) \(port)", destination(fields, header: header)], index: position,
                            value: String(value)))
                }
            }
        }
        return references
    }

    static func destination(_ fields: [String], header: [String]) -> String {
        func value(_ name: String) -> String {
            guard let index = header.firstIndex(of: name) else { return "" }
            return fields[index].split(separator: ",").last.map(String.init) ?? ""
        }
        let ip = value("ip.dst").isEmpty ? value("ipv6.dst") : value("ip.dst")
        return "\(ip) \(value("tcp.dstport"))"
    }

    /// ja4.py JSON: a list of per-stream objects with `src`, `srcport` and `JA4.1`, `JA4.2`, ...
    static func ja4JSON(_ data: Data, source: Source) throws -> [Reference] {
        guard let entries = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        var references: [Reference] = []
        for entry in entries {
            guard let src = entry["src"] as? String, let port = entry["srcport"].map({ "\($0)" }),
                let dst = entry["dst"] as? String, let dstPort = entry["dstport"].map({ "\($0)" })
            else { continue }
            let stream = entry["stream"] as? Int
            for index in 1...9 {
                guard let value = entry["JA4.\(index)"] as? String else { continue }
                references.append(
                    Reference(
                        source: source, kind: .ja4, stream: stream, endpoints: ["\(src) \(port)", "\(dst) \(dstPort)"],
                        index: index, value: value))
            }
        }
        return references
    }

    /// The ja4 Rust crate's insta snapshot: YAML list items `- stream: N` with `transport`, `src`,
    /// `src_port` and `ja4` keys; TCP items only.
    static func rustSnapshot(_ text: String) -> [Reference] {
        var references: [Reference] = []
        var item: [String: String] = [:]
        func flush() {
            if item["transport"] == "tcp", let src = item["src"], let port = item["src_port"], let dst = item["dst"],
                let dstPort = item["dst_port"], let ja4 = item["ja4"]
            {
                references.append(
                    Reference(
                        source: .ja4Rust, kind: .ja4, stream: item["stream"].flatMap { Int($0) },
                        endpoints: ["\(src) \(port)", "\(dst) \(dstPort)"], index: 1, value: ja4))
            }
            item = [:]
        }
        for rawLine in text.split(separator: "\n") {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("- ") {
                flush()
                line.removeFirst(2)
            }
            guard let colon = line.range(of: ": ") else { continue }
            item[String(line[..<colon.lowerBound])] = String(line[colon.upperBound...])
        }
        flush()
        return references
    }

    /// FlowTest annotations: flows listed as `- src_ip: ...` with `src_port` and `tls_ja3: '0x...'`.
    static func flowtest(_ text: String) -> [Reference] {
        var references: [Reference] = []
        var item: [String: String] = [:]
        func flush() {
            if let ip = item["src_ip"], let port = item["src_port"], let dst = item["dst_ip"],
                let dstPort = item["dst_port"], let ja3 = item["tls_ja3"]
            {
                let value = ja3.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")).replacingOccurrences(
                    of: "0x", with: "")
                references.append(
                    Reference(
                        source: .flowtest, kind: .ja3, stream: nil, endpoints: ["\(ip) \(port)", "\(dst) \(dstPort)"],
                        index: nil, value: value))
            }
            item = [:]
        }
        var inFlows = false
        for rawLine in text.split(separator: "\n") {
            if rawLine.hasPrefix("flows:") {
                inFlows = true
                continue
            }
            if !rawLine.hasPrefix(" ") { inFlows = false }
            guard inFlows else { continue }
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("- ") {
                flush()
                line.removeFirst(2)
            }
            guard let colon = line.range(of: ": ") else { continue }
            item[String(line[..<colon.lowerBound])] = String(line[colon.upperBound...])
        }
        flush()
        return references
    }

    /// Arkime's expected sessions: JSON `{"sessions3": [{"body": {...}}]}` after a comment line;
    /// TCP sessions with `tls.ja3`, `tls.ja3s`, `tls.ja4` lists.
    static func arkime(_ text: String) throws -> [Reference] {
        guard let start = text.firstIndex(of: "{") else { return [] }
        let data = Data(text[start...].utf8)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let sessions = root["sessions3"] as? [[String: Any]]
        else { return [] }
        var references: [Reference] = []
        for session in sessions {
            guard let body = session["body"] as? [String: Any], body["ipProtocol"] as? Int == 6,
                let source = body["source"] as? [String: Any], let ip = source["ip"] as? String,
                let port = source["port"] as? Int, let destination = body["destination"] as? [String: Any],
                let dstIP = destination["ip"] as? String, let dstPort = destination["port"] as? Int,
                let tls = body["tls"] as? [String: Any]
            else { continue }
            for kind in Kind.allCases {
                for value in tls[kind.rawValue] as? [String] ?? [] {
                    references.append(
                        Reference(
                            source: .arkime, kind: kind, stream: nil,
                            endpoints: ["\(ip) \(port)", "\(dstIP) \(dstPort)"],
                            index: nil, value: value))
                }
            }
        }
        return references
    }
}

// MARK: - Our side

/// Our records of one capture, by their two endpoints.
private struct Flows {
    var byEndpoints: [String: [FlowRecord]] = [:]

    static func key(_ endpoints: [String]) -> String { endpoints.sorted().joined(separator: " | ") }

    init(_ records: [FlowRecord]) {
        for record in records {
            let endpoints = [record.client, record.server].map { "\($0.ip.description) \($0.port)" }
            byEndpoints[Self.key(endpoints), default: []].append(record)
        }
    }

    /// The flow a reference is about: the only one between those endpoints, or the one whose id
    /// is the reference's tcp.stream + 1.
    func record(for reference: Reference) -> FlowRecord? {
        let candidates = byEndpoints[Self.key(reference.endpoints)] ?? []
        if let stream = reference.stream, let match = candidates.first(where: { $0.id == stream + 1 }) {
            return match
        }
        let withHello = candidates.filter { $0.clientHello != nil }
        return withHello.count == 1 ? withHello[0] : (candidates.count == 1 ? candidates[0] : nil)
    }

    /// Our fingerprints of a kind for a flow, in message order, each with the text behind it.
    static func values(_ record: FlowRecord, kind: Kind) -> [(value: String, input: String)] {
        let clients = [record.clientHello, record.retryClientHello].compactMap { $0?.hello }
        switch kind {
        case .ja3: return clients.map { (JA3.hash($0), JA3.string($0)) }
        case .ja4: return clients.map { (JA4.fingerprint($0), JA4.raw($0)) }
        case .ja3s:
            return [record.helloRetryRequest, record.serverHello].compactMap { $0?.hello }.map {
                (JA3.serverHash($0), JA3.serverString($0))
            }
        }
    }
}

// MARK: - Bookkeeping

private struct KnownDisagreements {
    struct Key: Hashable {
        var capture: String
        var stream: Int
        var fingerprint: String
    }

    var entries: [Key: String] = [:]

    /// `path<TAB>stream<TAB>fingerprint<TAB>reason` lines; `#` starts a comment line.
    static func load(_ url: URL) throws -> KnownDisagreements {
        var known = KnownDisagreements()
        guard let data = FileManager.default.contents(atPath: url.path) else { return known }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, let stream = Int(fields[1]), !fields[3].isEmpty else {
                Issue.record("known-fingerprint-disagreements.tsv: malformed line: \(line)")
                continue
            }
            known.entries[Key(capture: fields[0], stream: stream, fingerprint: fields[2])] = fields[3]
        }
        return known
    }
}

private struct Tally {
    struct Key: Hashable {
        var source: Source
        var kind: Kind
    }

    struct Count {
        var compared = 0
        var agreed = 0
        var known = 0
    }

    var counts: [Key: Count] = [:]
    /// Disagreements not in the reviewed list.
    var unexplained: [String] = []
    /// Disagreements in the reviewed list, with the reason, for the report.
    var explained: [String] = []
    var seenKnown: Set<KnownDisagreements.Key> = []
    /// Captures with ClientHellos of ours that no reference covers (tshark did not take the flow
    /// for TLS: STARTTLS, other ports, SSL 2.0), with their count.
    var unreferenced: [String] = []

    /// Compares one reference with our value; returns the id of the flow it was matched to.
    mutating func compare(_ reference: Reference, with flows: Flows, capture: String, known: KnownDisagreements)
        -> Int?
    {
        let key = Key(source: reference.source, kind: reference.kind)
        var count = counts[key] ?? Count()
        count.compared += 1
        defer { counts[key] = count }
        let record = flows.record(for: reference)
        let ours = record.map { Flows.values($0, kind: reference.kind) } ?? []
        let agrees: Bool
        if let index = reference.index {
            agrees = index <= ours.count && ours[index - 1].value == reference.value
        } else {
            agrees = ours.contains { $0.value == reference.value }
        }
        if agrees {
            count.agreed += 1
            return record?.id
        }
        let stream = reference.stream ?? record.map { $0.id - 1 } ?? -1
        let knownKey = KnownDisagreements.Key(capture: capture, stream: stream, fingerprint: reference.kind.rawValue)
        let ourText =
            record == nil
            ? "no flow between \(reference.endpoints.joined(separator: " and "))"
            : ours.isEmpty ? "no hello" : ours.map { "\($0.value) (\($0.input))" }.joined(separator: "; ")
        let line =
            "\(capture) stream \(stream) \(reference.kind.rawValue)#\(reference.index ?? 0) [\(reference.source.rawValue)]: reference \(reference.value), ours \(ourText)"
        if let reason = known.entries[knownKey] {
            count.known += 1
            seenKnown.insert(knownKey)
            explained.append(line + " -- known: " + reason)
        } else {
            unexplained.append(line)
        }
        return record?.id
    }

    func report() -> String {
        var lines = ["Fingerprint agreement (compared / agreed / known disagreements):"]
        for source in Source.allCases {
            for kind in Kind.allCases {
                guard let count = counts[Key(source: source, kind: kind)] else { continue }
                let percent = count.compared == 0 ? 100 : Double(count.agreed) * 100 / Double(count.compared)
                lines.append(
                    "  \(kind.rawValue) vs \(source.rawValue): \(count.compared) / \(count.agreed) (\(String(format: "%.1f", percent))%) / \(count.known)"
                )
            }
        }
        lines.append("  our ClientHellos no reference covers: " + unreferenced.joined(separator: ", "))
        lines += explained.map { "  known: " + $0 }
        lines += unexplained.map { "  UNEXPLAINED: " + $0 }
        return lines.joined(separator: "\n")
    }
}
