import Foundation

/// Captures made for a test by the benchmark's generator (`../shared/bench/make-bench-pcap.py`,
/// real handshakes from its templates, rewritten to many clients and servers).
public enum BenchCapture {
    /// Runs the generator with `arguments` (`--out` added) into a temporary file named
    /// `name`; nil when `../shared` is not beside the repository. The caller removes the file.
    public static func generate(_ arguments: [String], name: String) throws -> URL? {
        guard let shared = TestPaths.shared else { return nil }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid()).pcap")
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments =
            ["python3", shared.appendingPathComponent("bench/make-bench-pcap.py").path] + arguments
            + ["--out", output.path]
        generator.standardError = FileHandle.nullDevice
        try generator.run()
        generator.waitUntilExit()
        guard generator.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: output.path])
        }
        return output
    }
}
