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
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
            status: process.terminationStatus)
    }
}
