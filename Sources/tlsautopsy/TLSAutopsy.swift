import ArgumentParser
import Glibc

/// The `tlsautopsy` command.
@main
struct TLSAutopsy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlsautopsy",
        abstract: "Explain failed TLS handshakes from packet captures.",
        discussion: """
            Reads pcap or pcapng captures, reassembles TCP, parses every TLS handshake and \
            tells, per flow, how it ended: established, resumed, failed (with the alert, who \
            sent it and at which step), reset, no_response, not_tls, incomplete or partial.
            """,
        version: "0.1.0",
        subcommands: [Analyze.self, Sniff.self, Explain.self],
        defaultSubcommand: nil
    )

    /// Runs the command; usage errors exit with status 2, as input errors do.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            Output.line(fullMessage(for: error))
            exit(withError: ExitCode(2))
        }
    }
}
