import AutopsyTestSupport
import Foundation
import Testing

/// `tlsautopsy sniff` on loopback, as root: real openssl servers and clients, flows
/// reported live, a clean stop on SIGINT.
@Suite(.serialized) struct SniffCommandTests {
    static let isRoot = getuid() == 0

    /// Runs a program to its end with a time limit; returns its exit status.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], input: String = "", seconds: Double = 5) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { stop(process) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Kills a helper process and waits for it. SIGKILL, not `terminate()`: children inherit
    /// the test process's blocked signals, SIGTERM among them, and would outlive the test.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static func start(_ program: String, _ arguments: [String], stdout: URL? = nil, stderr: URL? = nil) throws
        -> Process
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try stdout.map { try FileHandle(forWritingTo: $0) } ?? FileHandle.nullDevice
        process.standardError = try stderr.map { try FileHandle(forWritingTo: $0) } ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A TCP port nothing listens on: bind to port 0 and read what the kernel chose.
    static func freePort() -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return named == 0 ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    static func waitFor(_ file: URL, containing text: String, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let content = try? String(contentsOf: file, encoding: .utf8), content.contains(text) { return true }
            usleep(50_000)
        }
        return false
    }

    @Test(
        .enabled(if: isRoot, "live capture needs root (CAP_NET_RAW and CAP_NET_ADMIN); run make test as root"),
        .timeLimit(.minutes(1)))
    func reportsEachFlowAndStopsCleanlyOnSIGINT() throws {
        let openssl = "/usr/bin/openssl"
        try #require(FileManager.default.isExecutableFile(atPath: openssl), "openssl is installed by make deps")
        let binary = try #require(BinaryRunner.binary)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlsautopsy-sniff-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        try #require(
            try Self.run(
                openssl,
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                    "-out", certificate, "-days", "30", "-subj", "/CN=sniff.test",
                ]) == 0)
        // Ports the kernel says are free, so parallel runs on one machine do not collide.
        var ports: [Int] = []
        for _ in 0..<20 where ports.count < 3 {
            if let port = Self.freePort(), !ports.contains(port) { ports.append(port) }
        }
        try #require(ports.count == 3)
        let base = ports[0]
        let any = try Self.start(
            openssl, ["s_server", "-accept", "127.0.0.1:\(base)", "-cert", certificate, "-key", key, "-www", "-quiet"])
        let tls13Only = try Self.start(
            openssl,
            [
                "s_server", "-accept", "127.0.0.1:\(ports[1])", "-cert", certificate, "-key", key, "-tls1_3", "-www",
                "-quiet",
            ])
        defer {
            Self.stop(any)
            Self.stop(tls13Only)
        }
        let out = directory.appendingPathComponent("out.ndjson")
        let err = directory.appendingPathComponent("err.txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        // A silent server that never answers: its flow must time out on the capture clock
        // while the client keeps the connection open and no packet comes.
        let silent = try Self.start(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
                    + "s.bind(('127.0.0.1', \(ports[2]))); s.listen(); c=s.accept(); time.sleep(60)",
            ])
        defer { Self.stop(silent) }
        let sniff = try Self.start(
            binary.path,
            [
                "sniff", "-i", "lo", "--format", "json", "--idle-timeout", "2",
                "tcp port \(ports[0]) or tcp port \(ports[1]) or tcp port \(ports[2])",
            ],
            stdout: out, stderr: err)
        #expect(Self.waitFor(err, containing: "listening on lo"))
        usleep(500_000)

        let connect = "127.0.0.1:\(base)"
        // 1. TLS 1.3, trusted.  2. TLS 1.2, trusted.  3. TLS 1.2 to a TLS 1.3-only server: alert 70.
        // 4. TLS 1.2 without the CA, verification required: the client sends a certificate alert.
        try Self.run(
            openssl, ["s_client", "-connect", connect, "-servername", "sniff.test", "-CAfile", certificate],
            input: "Q\n")
        try Self.run(openssl, ["s_client", "-connect", connect, "-tls1_2", "-CAfile", certificate], input: "Q\n")
        try Self.run(openssl, ["s_client", "-connect", "127.0.0.1:\(ports[1])", "-tls1_2"], input: "Q\n")
        try Self.run(openssl, ["s_client", "-connect", connect, "-tls1_2", "-verify_return_error"], input: "Q\n")

        // Each flow is printed as soon as it is decided, before any stop.
        #expect(Self.waitFor(out, containing: "\"id\":4,"), "the fourth flow is reported live")
        // 5. A ClientHello to the silent server; the client waits with the connection open.
        usleep(300_000)
        let waiting = try Self.start(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import socket,ssl; c=ssl.create_default_context(); c.check_hostname=False; c.verify_mode=ssl.CERT_NONE; "
                    + "s=socket.create_connection(('127.0.0.1', \(ports[2]))); s.settimeout(60); "
                    + "c.wrap_socket(s, server_hostname='silent.test')",
            ])
        defer { Self.stop(waiting) }
        #expect(Self.waitFor(out, containing: "\"no_response\"", seconds: 15), "the idle flow times out while open")
        kill(sniff.processIdentifier, SIGINT)
        sniff.waitUntilExit()
        #expect(sniff.terminationStatus == 0)

        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        var flows: [[String: Any]] = []
        var summary: [String: Any]?
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["type"] as? String == "flow" { flows.append(object) } else { summary = object }
        }
        #expect(
            flows.map { $0["outcome"] as? String } == ["established", "established", "failed", "failed", "no_response"])
        #expect(flows.map { $0["version"] as? String } == ["TLS 1.3", "TLS 1.2", nil, "TLS 1.2", nil])
        let alerts = flows.map { flow in
            (flow["alerts"] as? [[String: Any]] ?? []).compactMap { alert -> String? in
                guard let code = alert["code"] as? Int, let from = alert["from"] as? String else { return nil }
                return "\(from):\(code)"
            }
        }
        #expect(alerts[2] == ["server:70"])
        #expect(alerts[3].first?.hasPrefix("client:") == true)
        let final = try #require(summary)
        #expect(final["flows"] as? Int == 5)
        #expect(final["dropped_by_kernel"] as? Int == 0)
    }

    @Test(.enabled(if: isRoot, "opening an interface needs root"))
    func anUnknownInterfaceListsTheOnesThatExist() throws {
        let result = try BinaryRunner.run(["sniff", "-i", "nosuch0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("nosuch0: no such interface (available:"))
        #expect(result.stderr.contains("lo"))
    }

    @Test(.enabled(if: isRoot, "opening an interface needs root"))
    func aBadFilterGivesLibpcapsMessageWithTheExpression() throws {
        let result = try BinaryRunner.run(["sniff", "-i", "lo", "tcp", "prot", "443"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'tcp prot 443': invalid BPF filter"))
    }

    @Test func listsInterfaces() throws {
        let result = try BinaryRunner.run(["sniff", "-D"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(".lo"))
    }

    @Test func optionsAreChecked() throws {
        #expect(try BinaryRunner.run(["sniff"]).status == 2)
        #expect(try BinaryRunner.run(["sniff", "-i", "lo", "--summary-every", "soon"]).status == 2)
        #expect(try BinaryRunner.run(["sniff", "-i", "lo", "-c", "0"]).status == 2)
    }

    @Test(.enabled(if: isRoot, "live capture needs root"), .timeLimit(.minutes(1)))
    func countWriteFileAndPrivilegeDrop() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlsautopsy-w-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("saved.pcap")
        // -c 2 stops after two packets (connection attempts to a closed port on loopback); -Z nobody drops root
        // before the file is opened, so the file belongs to nobody.
        let ping = try Self.start(
            "/bin/bash",
            ["-c", "sleep 1; for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null; sleep 0.2; done"])
        defer { Self.stop(ping) }
        let result = try BinaryRunner.run([
            "sniff", "-i", "lo", "-c", "2", "-w", file.path, "-Z", "nobody", "--duration", "20", "tcp port 9",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect(attributes[.ownerAccountName] as? String == "nobody")
        #expect(((attributes[.size] as? Int) ?? 0) > 24)
    }

    /// A live capture and an analysis write nothing but the file named with `-w`: not in
    /// the working directory, HOME or TMPDIR (no cache, no history, no temporary files).
    @Test(.enabled(if: isRoot, "live capture needs root"), .timeLimit(.minutes(1)))
    func writesNoFileButTheOneNamed() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tlsautopsy-files-\(getpid())")
        defer { try? FileManager.default.removeItem(at: base) }
        let places = ["cwd", "home", "tmp", "out"].map { base.appendingPathComponent($0) }
        for place in places {
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: place.path)
        }
        let environment = ["HOME": places[1].path, "TMPDIR": places[2].path, "XDG_CACHE_HOME": places[1].path]
        let saved = places[3].appendingPathComponent("saved.pcap")
        let ping = try Self.start(
            "/bin/bash",
            ["-c", "sleep 1; for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null; sleep 0.2; done"])
        defer { Self.stop(ping) }
        let sniff = try BinaryRunner.run(
            ["sniff", "-i", "lo", "-c", "2", "-w", saved.path, "-Z", "nobody", "--duration", "20", "tcp port 9"],
            environment: environment, directory: places[0])
        #expect(sniff.status == 0, "\(sniff.stderr)")
        let analyze = try BinaryRunner.run(
            ["analyze", "--format", "json", saved.path], environment: environment, directory: places[0])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        let written = try places.map { try FileManager.default.contentsOfDirectory(atPath: $0.path).sorted() }
        #expect(written == [[], [], [], ["saved.pcap"]])
    }
}
