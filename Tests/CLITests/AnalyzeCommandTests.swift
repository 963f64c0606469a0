import AutopsyTestSupport
import Foundation
import Testing

/// `tlsautopsy analyze`, run as a user would.
@Suite struct AnalyzeCommandTests {
    static let demo = TestPaths.fixtures.appendingPathComponent("captures/demo/demo.pcap").path

    static func temporaryFile(_ name: String, _ bytes: Data) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlsautopsy-cli-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try bytes.write(to: url)
        return url.path
    }

    @Test func jsonIsOneObjectPerLineEndingWithTheSummary() throws {
        let result = try BinaryRunner.run(["analyze", "--format", "json", Self.demo])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 11)
        var outcomes: [String] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["type"] as? String == "flow" { outcomes.append(object["outcome"] as? String ?? "?") }
        }
        #expect(
            outcomes == [
                "established", "established", "failed", "failed", "failed", "not_tls", "no_response", "reset",
                "established", "resumed",
            ])
        let last = String(lines.last ?? "")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(summary["type"] as? String == "summary")
        #expect(summary["flows"] as? Int == 10)
    }

    @Test func jsonKeepsTheContractsFieldOrder() throws {
        let result = try BinaryRunner.run(["analyze", "--format", "json", Self.demo])
        let first = try #require(result.stdout.split(separator: "\n").first.map(String.init))
        let keys = [
            "\"type\"", "\"id\"", "\"ts\"", "\"duration\"", "\"first_frame\"", "\"last_frame\"", "\"client\"",
            "\"server\"", "\"vlan\"", "\"outcome\"", "\"established\"", "\"version\"", "\"cipher\"", "\"curve\"",
            "\"server_name\"", "\"next_protocol\"", "\"resumed\"", "\"client_hello\"", "\"server_hello\"",
            "\"certificates\"", "\"client_certificates\"", "\"alerts\"", "\"tcp\"", "\"diagnoses\"",
        ]
        let positions = keys.map { first.range(of: $0)?.lowerBound }
        #expect(!positions.contains(nil))
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted())
    }

    @Test func textReportIsReadableAndUncolouredInAPipe() throws {
        let result = try BinaryRunner.run(["analyze", Self.demo])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\u{1b}["))
        #expect(result.stdout.contains("the client sent fatal alert unknown_ca (48)"))
        #expect(result.stdout.contains("the server sent fatal alert protocol_version (70)"))
        #expect(result.stdout.contains("never answered the ClientHello"))
        #expect(result.stdout.hasPrefix("10 TLS flows, 6 failed"))
        #expect(result.stdout.contains("Failures by cause"))
        #expect(
            result.stdout.contains("check: openssl s_client -connect 127.0.0.1:44404 -servername demo.tlsautopsy.test"))
        #expect(result.stdout.contains("Summary: 10 flows"))
        // Without --verbose, successful flows are not listed one by one; with it, every flow is.
        #expect(!result.stdout.contains("#1  "))
        let verbose = try BinaryRunner.run(["analyze", "--verbose", Self.demo])
        #expect(verbose.stdout.contains("#1  "))
        #expect(verbose.stdout.contains("#10  "))
        let forced = try BinaryRunner.run(["analyze", "--color", "always", Self.demo])
        #expect(forced.stdout.contains("\u{1b}["))
    }

    /// Nothing read, nothing reported: an empty report would say "0 failed".
    @Test(arguments: ["text", "json"])
    func aMissingFileIsOneClearLineAndExitCode2(format: String) throws {
        let result = try BinaryRunner.run(["analyze", "--format", format, "/nonexistent/capture.pcap"])
        #expect(result.status == 2)
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == 1)
        #expect(errors.first?.contains("/nonexistent/capture.pcap") == true)
        #expect(result.stdout.isEmpty)
    }

    /// Many servers, each failing for some clients: the text report lists the ten strongest
    /// patterns and counts the others; `--verbose` lists them all, as the JSON summary holds them.
    @Test func theReportListsTenPatternsAndVerboseAll() throws {
        let arguments = [
            "--flows", "1200", "--app-bytes-per-flow", "0", "--servers", "30", "--sni-pool", "30", "--seed", "4",
            "--mix", "tls13_ok=6,alert_protocol_version=2",
        ]
        guard let capture = try BenchCapture.generate(arguments, name: "many-servers") else {
            Issue.record("shared/ is not beside the repository; set TLSAUTOPSY_SHARED")
            return
        }
        defer { try? FileManager.default.removeItem(at: capture) }
        func patternLines(_ text: String) -> [Substring] {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard let start = lines.firstIndex(of: "Patterns") else { return [] }
            return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
        }
        let json = try BinaryRunner.run(["analyze", "--format", "json", capture.path])
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data((json.stdout.split(separator: "\n").last ?? "").utf8))
                as? [String: Any])
        let patterns = try #require(summary["patterns"] as? [[String: Any]])
        try #require(patterns.count > 10)
        let brief = patternLines(try BinaryRunner.run(["analyze", capture.path]).stdout)
        #expect(brief.count == 11)
        #expect(brief.last?.hasPrefix("  ... and \(patterns.count - 10) more at servers with fewer failures") == true)
        let most = patterns.compactMap { $0["failed"] as? Int }.max()
        #expect(brief.first?.contains("All \(most ?? 0) failed flows") == true)
        #expect(
            patternLines(try BinaryRunner.run(["analyze", "--verbose", capture.path]).stdout).count == patterns.count)
    }

    @Test func aBadFilterIsOneClearLineAndNoReport() throws {
        let result = try BinaryRunner.run(["analyze", "--filter", "tcp port", Self.demo])
        #expect(result.status == 2)
        #expect(result.stderr.contains("invalid BPF filter"))
        #expect(result.stdout.isEmpty)
    }

    @Test func aFileThatIsNotACaptureIsRejected() throws {
        let path = try Self.temporaryFile("notes.pcap", Data("these are notes, not packets\n".utf8))
        let result = try BinaryRunner.run(["analyze", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(path))
        #expect(result.stderr.hasPrefix("tlsautopsy: ") && result.stderr.hasSuffix("\n"))
    }

    @Test func aFileCutMidPacketIsAnalyzedAsFarAsItGoesWithAWarning() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.demo))
        let path = try Self.temporaryFile("cut.pcap", bytes.prefix(bytes.count - 100))
        let result = try BinaryRunner.run(["analyze", "--format", "json", path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("cut short"))
        #expect(result.stderr.hasPrefix("tlsautopsy: warning: "))
        #expect(result.stdout.split(separator: "\n").count >= 10)
    }

    @Test func severalFilesInOneRunAndABadOneAmongThem() throws {
        let result = try BinaryRunner.run(["analyze", "--format", "json", Self.demo, "/nonexistent.pcap", Self.demo])
        #expect(result.status == 2)
        #expect(result.stdout.split(separator: "\n").count == 21)
        #expect(result.stdout.contains("\"id\":20,"))
    }

    /// Output of more than two of the writer's 64 KiB blocks (four copies of the demo capture,
    /// 188 KB of lines) comes out whole: every line one JSON object, each copy's flows the
    /// same as the first's but for their ids, which run on from copy to copy.
    @Test func outputBeyondOneBlockComesOutLineByLine() throws {
        let copies = 4
        let result = try BinaryRunner.run(
            ["analyze", "--format", "json", "--threads", "1"] + Array(repeating: Self.demo, count: copies))
        #expect(result.status == 0)
        #expect(result.stdout.utf8.count > 2 * 65_536)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // 40 flows, the summary, and the empty text after the last newline.
        #expect(lines.count == 10 * copies + 2)
        #expect(lines.last?.isEmpty == true)
        var flows: [[String: Any]] = []
        for line in lines.dropLast() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["type"] as? String == "flow" { flows.append(object) }
        }
        #expect(flows.count == 10 * copies)
        #expect(flows.map { $0["id"] as? Int } == (1...(10 * copies)).map { $0 })
        let first = flows.prefix(10).map { line(withoutID: $0) }
        for copy in 1..<copies {
            #expect(flows[(10 * copy)..<(10 * copy + 10)].map { line(withoutID: $0) } == first)
        }
    }

    /// A flow object as text without its id, keys sorted (to compare flows across copies).
    private func line(withoutID object: [String: Any]) -> String {
        var object = object
        object["id"] = nil
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aBPFFilterIsAppliedByLibpcap() throws {
        let result = try BinaryRunner.run(["analyze", "--format", "json", "--filter", "tcp port 44404", Self.demo])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 2)
        let bad = try BinaryRunner.run(["analyze", "--filter", "tcp prot 443", Self.demo])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("tcp prot 443"))
    }

    /// `-` reads the capture from standard input (as tcpdump -r -): the same records as the
    /// file gives (files go through their own stdio buffer; standard input keeps stdio's).
    @Test func standardInputReadsLikeTheFile() throws {
        let binary = try #require(BinaryRunner.binary)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["analyze", "--format", "json", "--threads", "1", "-"]
        process.standardInput = try #require(FileHandle(forReadingAtPath: Self.demo))
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let piped = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let file = try BinaryRunner.run(["analyze", "--format", "json", "--threads", "1", Self.demo])
        let flows = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("{\"type\":\"flow\"") } }
        let pipedFlows = flows(String(decoding: piped, as: UTF8.self))
        #expect(pipedFlows.count == 10)
        #expect(pipedFlows == flows(file.stdout))
    }

    @Test func limitsCanBeOverriddenAndAreChecked() throws {
        let result = try BinaryRunner.run(["analyze", "--format", "json", "--max-flows", "2", Self.demo])
        #expect(result.status == 0)
        let bad = try BinaryRunner.run(["analyze", "--max-flows", "0", Self.demo])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--max-flows"))
        // One tombstone: the demo's closed connections still end as they do by default.
        let one = try BinaryRunner.run(["analyze", "--format", "json", "--max-tombstones", "1", Self.demo])
        let normal = try BinaryRunner.run(["analyze", "--format", "json", Self.demo])
        #expect(one.status == 0)
        #expect(one.stdout.split(separator: "\n").count == normal.stdout.split(separator: "\n").count)
        let noTombstones = try BinaryRunner.run(["analyze", "--max-tombstones", "0", Self.demo])
        #expect(noTombstones.status == 2)
        #expect(noTombstones.stderr.contains("--max-tombstones"))
    }

    /// `--threads` changes how the work is spread, not the output (text or NDJSON); out-of-range
    /// counts are usage errors that name the option.
    @Test func threadCountsGiveTheSameOutputAndAreChecked() throws {
        for format in ["json", "text"] {
            let one = try BinaryRunner.run(["analyze", "--format", format, "--threads", "1", Self.demo])
            let four = try BinaryRunner.run(["analyze", "--format", format, "--threads", "4", Self.demo])
            #expect(one.status == 0)
            #expect(four.status == 0)
            #expect(four.stdout == one.stdout, "--format \(format)")
        }
        for count in ["0", "65", "-1", "two"] {
            let bad = try BinaryRunner.run(["analyze", "--threads", count, Self.demo])
            #expect(bad.status == 2, "--threads \(count)")
            #expect(bad.stderr.contains("threads"), "--threads \(count)")
        }
    }

    /// The command runs on jemalloc with the settings of `Sources/CAllocator/allocator.c`
    /// (one arena, freed pages given back at once), whatever else the process links: its
    /// statistics, asked for through jemalloc's own variable, name them. With two threads too.
    @Test func theCommandRunsOnJemallocWithItsSettings() throws {
        for threads in ["1", "2"] {
            let run = try BinaryRunner.run(
                ["analyze", "--format", "json", "--threads", threads, Self.demo],
                environment: ["MALLOC_CONF": "stats_print:true"])
            #expect(run.status == 0)
            #expect(run.stderr.contains("jemalloc"), "--threads \(threads)")
            #expect(run.stderr.contains("opt.narenas: 1"), "--threads \(threads)")
            #expect(run.stderr.contains("opt.dirty_decay_ms: 0"), "--threads \(threads)")
            #expect(run.stderr.contains("opt.muzzy_decay_ms: 0"), "--threads \(threads)")
        }
    }

    @Test func failOnSetsTheExitStatusForScripts() throws {
        #expect(try BinaryRunner.run(["analyze", "--format", "json", "--fail-on", "any", Self.demo]).status == 1)
        #expect(
            try BinaryRunner.run(["analyze", "--format", "json", "--fail-on", "not_tls,alpn_mismatch", Self.demo])
                .status == 1)
        #expect(
            try BinaryRunner.run(["analyze", "--format", "json", "--fail-on", "alpn_mismatch", Self.demo]).status == 0)
        // Spaces around the ids, as a shell user types them, are not part of the ids.
        #expect(
            try BinaryRunner.run(["analyze", "--format", "json", "--fail-on", " alpn_mismatch , not_tls ,", Self.demo])
                .status == 1)
        let bad = try BinaryRunner.run(["analyze", "--fail-on", "no_such_id", Self.demo])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("no_such_id"))
    }

    @Test func explainDrawsOneFlowAsALadder() throws {
        let result = try BinaryRunner.run(["explain", Self.demo, "--flow", "3"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("ClientHello (TLS 1.2; SNI selfsigned.tlsautopsy.test"))
        #expect(result.stdout.contains("<"))
        #expect(result.stdout.contains("ServerHelloDone"))
        #expect(result.stdout.contains("Alert unknown_ca (fatal) -"))
        // The TCP handshake's two first packets, in order, with their frames, before the hello.
        let rows = result.stdout.split(separator: "\n").map(String.init)
        let syn = try #require(rows.firstIndex { $0.contains("TCP SYN -") })
        let synAck = try #require(rows.firstIndex { $0.hasSuffix("- TCP SYN-ACK") })
        let hello = try #require(rows.firstIndex { $0.contains("ClientHello (") })
        #expect(syn < synAck && synAck < hello)
        #expect(rows[syn].split(separator: " ").dropFirst(2).first == "38")
        #expect(rows[synAck].split(separator: " ").dropFirst(2).first == "39")
        #expect(result.stdout.contains("certificate_untrusted"))
        let missing = try BinaryRunner.run(["explain", Self.demo, "--flow", "99"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no TLS flow with id 99"))
    }

    /// "It was working yesterday": the same server before and after its certificate changed.
    @Test func aCertificateChangeIsStatedAsAPattern() throws {
        let captures = TestPaths.fixtures.appendingPathComponent("captures")
        let anchors = TestPaths.fixtures.appendingPathComponent("lib/trust-anchors.pem").path
        let result = try BinaryRunner.run([
            "analyze", "--no-system-trust", "--ca-file", anchors,
            captures.appendingPathComponent("tls12_ok_openssl.pcap").path,
            captures.appendingPathComponent("tls12_cert_expired_openssl_client.pcap").path,
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("the failures started when the certificate changed at"))
        #expect(result.stdout.contains("certificate_expired"))
    }

    @Test func aBadCAFileIsOneClearLineAndExitCode2() throws {
        let result = try BinaryRunner.run(["analyze", "--ca-file", "/nonexistent/roots.pem", Self.demo])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/roots.pem"))
    }

    @Test func theSameCaptureGivesTheSameBytes() throws {
        let first = try BinaryRunner.run(["analyze", "--format", "json", Self.demo])
        let second = try BinaryRunner.run(["analyze", "--format", "json", Self.demo])
        #expect(first.stdout == second.stdout)
    }

    /// `--stop-after` (make bench's stage rows): no report on standard output, one line of
    /// counts on standard error; a stage that does not exist is refused before any reading.
    @Test func aRunStoppedAfterAStageReportsOnlyItsCounts() throws {
        let flows = try BinaryRunner.run(["analyze", "--format", "json", "--stop-after", "flows", Self.demo])
        #expect(flows.status == 0)
        #expect(flows.stdout.isEmpty)
        #expect(flows.stderr.hasPrefix("stopped after flows: "))
        #expect(flows.stderr.contains(" TCP segments decoded, 10 flows followed; no flow is reported"))
        let read = try BinaryRunner.run(["analyze", "--stop-after", "read", Self.demo])
        #expect(read.status == 0 && read.stdout.isEmpty)
        #expect(read.stderr.hasPrefix("stopped after read: ") && !read.stderr.contains("decoded"))
        // A file cut short still says so.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.demo))
        let cut = try Self.temporaryFile("stage-cut.pcap", bytes.prefix(bytes.count - 10))
        let stopped = try BinaryRunner.run(["analyze", "--stop-after", "decode", cut])
        #expect(stopped.status == 0 && stopped.stdout.isEmpty)
        #expect(stopped.stderr.contains("warning: \(cut): the file is cut short mid-packet"))
        for wrong in ["all", "parse"] {
            let refused = try BinaryRunner.run(["analyze", "--stop-after", wrong, Self.demo])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("--stop-after must be read, decode or flows, not '\(wrong)'"))
        }
        let help = try BinaryRunner.run(["analyze", "--help"])
        #expect(!help.stdout.contains("stop-after"), "a benchmark's option, not one for users")
    }

    @Test func phaseTimesSplitOneThreadsRunAndChangeNothingElse() throws {
        let plain = try BinaryRunner.run(["analyze", "--format", "json", "--threads", "1", Self.demo])
        let timed = try BinaryRunner.run(["analyze", "--format", "json", "--threads", "1", "--phase-times", Self.demo])
        #expect(timed.status == 0)
        #expect(timed.stdout == plain.stdout)
        let line = timed.stderr.split(separator: "\n").first { $0.hasPrefix("phase times, one thread: ") }
        #expect(line != nil)
        let text = String(line ?? "")
        // "phase times, one thread: 0.123 s in all; packets 0.100 s, judge 0.001 s, ..."
        let total = try text.firstMatch(of: Regex("([0-9.]+) s in all")).flatMap {
            Double(String($0.output[1].substring ?? ""))
        }
        let phases = try text.matches(of: Regex("([a-z]+) ([0-9.]+) s")).map {
            (String($0.output[1].substring ?? ""), Double(String($0.output[2].substring ?? "")) ?? -1)
        }
        let names = ["all"] + phases.map(\.0)
        let parts = phases.reduce(0.0) { $0 + $1.1 }
        #expect(names == ["all", "packets", "judge", "learn", "diagnose", "patterns", "render", "emit", "summary"])
        #expect((total ?? 0) > 0 && abs((total ?? 0) - parts) < 0.01)
        #expect(phases.allSatisfy { $0.1 >= 0 })
        for refused in [
            ["analyze", "--phase-times", Self.demo],
            ["analyze", "--threads", "2", "--phase-times", Self.demo],
            ["analyze", "--threads", "1", "--phase-times", "--stop-after", "flows", Self.demo],
        ] {
            let run = try BinaryRunner.run(refused)
            #expect(run.status == 2)
            #expect(run.stdout.isEmpty)
        }
        let missingThreads = try BinaryRunner.run(["analyze", "--phase-times", Self.demo])
        #expect(missingThreads.stderr.contains("--phase-times times the phases of one thread: add --threads 1."))
        let help = try BinaryRunner.run(["analyze", "--help"])
        #expect(!help.stdout.contains("phase-times"), "a benchmark's option, not one for users")
    }
}
