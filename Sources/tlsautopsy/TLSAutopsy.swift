import ArgumentParser

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
        subcommands: [Analyze.self],
        defaultSubcommand: nil
    )
}
