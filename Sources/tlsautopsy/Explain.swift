import ArgumentParser
import AutopsyEngine
import AutopsyFlow
import AutopsyReport
import FoundationEssentials
import Glibc

/// `tlsautopsy explain FILE --flow N`: one flow as a ladder diagram with its diagnosis.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one flow as a ladder diagram (client and server columns) with its diagnosis.",
        discussion: "Flow ids are those `tlsautopsy analyze` prints.")

    @Argument(help: "The capture file.")
    var file: String

    @Option(help: "The flow id, as `analyze` prints it.")
    var flow: Int

    @Option(help: "Colour: auto, always or never.")
    var color: String = "auto"

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup(title: "Trust")
    var trust: TrustOptions

    func run() throws {
        var options = AnalysisOptions()
        options.limits = try limits.limits()
        try trust.apply(to: &options)
        let analyzer = Analyzer(options: options)
        var found: FlowRecord?
        var ids: [Int] = []
        do {
            try analyzer.analyze(path: file) { record in
                ids.append(record.id)
                if record.id == flow { found = record }
            }
        } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
        guard let record = found else {
            let sample = ids.prefix(20).map(String.init).joined(separator: ", ")
            Output.error(
                "\(file): no TLS flow with id \(flow) (flows: \(ids.isEmpty ? "none" : sample)\(ids.count > 20 ? ", ..." : ""))"
            )
            throw ExitCode(2)
        }
        let useColor = (ColorPolicy(rawValue: color) ?? .auto).enabled(
            isTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
        print(Ladder(style: Style(enabled: useColor)).render(record), terminator: "")
    }
}
