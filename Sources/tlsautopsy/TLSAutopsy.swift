import ArgumentParser
import CMalloc
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
        // Blocks of 128 KiB and more (tables that grow by doubling, batches) get pages of
        // their own, returned when freed. glibc's default raises this threshold as large
        // blocks are freed, which leaves the old halves of grown tables as holes in the heap:
        // on 200,000 flows, 2 MB more resident memory with one thread and 9 MB with two.
        _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
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
