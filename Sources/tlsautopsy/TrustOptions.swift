import ArgumentParser
import AutopsyEngine
import AutopsyX509

/// The trust anchors certificate chains are judged against.
struct TrustOptions: ParsableArguments {
    @Option(
        name: .customLong("ca-file"),
        help: "A PEM file of extra trust anchors (your private roots); repeat for several files.")
    var caFiles: [String] = []

    @Flag(name: .customLong("no-system-trust"), help: "Do not trust the system's CA bundle; only --ca-file anchors.")
    var noSystemTrust = false

    /// Loads the anchors into `options`, or reports a bad file and exits with status 2.
    func apply(to options: inout AnalysisOptions) throws {
        options.caFiles = caFiles
        options.systemTrust = !noSystemTrust
        do {
            options.trustStore = try TrustStore.load(systemBundle: !noSystemTrust, extraPEMFiles: caFiles)
        } catch {
            Output.error("--ca-file \(error.description)")
            throw ExitCode(2)
        }
    }
}
