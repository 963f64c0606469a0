import Foundation

/// Runs the built `tlsautopsy` binary as a user would, capturing its output.
public enum BinaryRunner {
    /// What a run printed and how it ended.
    public struct Result: Sendable {
        /// Standard output.
        public var stdout: String
        /// Standard error.
        public var stderr: String
        /// Exit status.
        public var status: Int32
    }

    /// The binary beside the test bundle (SwiftPM puts products and tests in one folder).
    public static var binary: URL? {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("tlsautopsy")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        let fallback = TestPaths.repositoryRoot.appendingPathComponent(".build/debug/tlsautopsy")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }

    /// Runs the binary with `arguments` and extra environment variables, in `directory`
    /// (default: the test's own working directory).
    public static func run(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil)
        throws -> Result
    {
        guard let binary else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes are read to the end before waiting, at the same time (standard error on
        // another thread): read one after the other, a child writing more than a pipe holds
        // to the second would block, and so would the reader.
        let errData = LockedData()
        let errRead = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData.set(err.fileHandleForReading.readDataToEndOfFile())
            errRead.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errRead.wait()
        process.waitUntilExit()
        return Result(
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.get(), as: UTF8.self),
            status: process.terminationStatus)
    }
}

/// Bytes handed from one thread to another.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
