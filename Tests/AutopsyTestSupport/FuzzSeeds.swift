import Foundation

/// The fuzz seeds of one libFuzzer target (`Fixtures/fuzz-seeds/<target>/`): inputs cut
/// from the fixture captures, and `crash-*` inputs that once crashed a target.
public struct FuzzSeed: Sendable, CustomStringConvertible {
    /// The file's name.
    public var name: String
    /// Its bytes.
    public var bytes: [UInt8]
    /// Whether it is a minimized crasher rather than a slice of a real capture.
    public var isCrasher: Bool { name.hasPrefix("crash-") }
    /// The name, for test arguments.
    public var description: String { name }

    /// Every seed of `target`, sorted by name (empty when the directory is missing).
    public static func load(_ target: String) -> [FuzzSeed] {
        let directory = TestPaths.fixtures.appendingPathComponent("fuzz-seeds").appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                return nil
            }
            return FuzzSeed(name: name, bytes: [UInt8](data))
        }
    }

    /// The one seed named `name` of `target`, when present.
    public static func named(_ name: String, target: String) -> FuzzSeed? {
        load(target).first { $0.name == name }
    }
}
