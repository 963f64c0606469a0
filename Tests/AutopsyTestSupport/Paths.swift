import Foundation

/// Where tests find the repository, its fixtures and the shared corpus.
public enum TestPaths {
    /// The package root: the first directory above this file that holds Package.swift.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `Fixtures/` (or `TLSAUTOPSY_FIXTURES`).
    public static var fixtures: URL {
        if let override = ProcessInfo.processInfo.environment["TLSAUTOPSY_FIXTURES"] {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.appendingPathComponent("Fixtures")
    }

    /// `../shared` beside the repository (or `TLSAUTOPSY_SHARED`), when it exists.
    public static var shared: URL? {
        let url =
            ProcessInfo.processInfo.environment["TLSAUTOPSY_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Every file under `directory` whose name ends with one of `suffixes`, sorted.
    public static func files(under directory: URL, suffixes: [String]) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        var result: [URL] = []
        for case let url as URL in enumerator where suffixes.contains(where: { url.lastPathComponent.hasSuffix($0) }) {
            result.append(url)
        }
        return result.sorted { $0.path < $1.path }
    }
}
