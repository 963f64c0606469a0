import AutopsyFlow
import AutopsyPackets
import AutopsyTLS

/// The report a person reads: one short block per flow, then the summary.
public struct TextReport {
    /// The colours in use.
    public let style: Style

    /// Creates a report writer.
    public init(style: Style) { self.style = style }

    /// One flow's block, ending with an empty line.
    public func block(_ record: FlowRecord) -> String {
        var lines: [String] = []
        let name = record.serverName.map { "  \($0)" } ?? ""
        lines.append(
            style.bold("#\(record.id)")
                + "  \(record.client.ip.description.bracketedIfV6(record.client.ip)):\(record.client.port) -> "
                + "\(record.server.ip.description.bracketedIfV6(record.server.ip)):\(record.server.port)\(name)  "
                + outcomeText(record.outcome))
        lines.append("    " + style.dim(headline(record)))
        for line in story(record) { lines.append("    " + line) }
        for diagnosis in record.diagnoses { lines.append(contentsOf: diagnosisLines(diagnosis, indent: "    ")) }
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// A diagnosis: id and summary, evidence, remedy and check.
    func diagnosisLines(_ diagnosis: Diagnosis, indent: String) -> [String] {
        var lines = [indent + style.bold(diagnosis.id) + ": " + diagnosis.summary]
        for evidence in diagnosis.evidence { lines.append(indent + "  - " + evidence) }
        lines.append(indent + "  what to do: " + diagnosis.remedy)
        lines.append(indent + "  check: " + diagnosis.check)
        return lines
    }

    /// "#3  10.0.0.1:51514 -> 10.0.0.2:443  api.example.com  failed".
    func title(_ record: FlowRecord) -> String {
        let name = record.serverName.map { "  \($0)" } ?? ""
        return style.bold("#\(record.id)") + "  \(endpoint(record.client)) -> \(endpoint(record.server))\(name)  "
            + outcomeText(record.outcome) + "  " + style.dim(TimeFormat.timeOfDay(record.firstTimestamp))
    }

    func endpoint(_ endpoint: Endpoint) -> String {
        endpoint.ip.isIPv6 ? "[\(endpoint.ip)]:\(endpoint.port)" : "\(endpoint.ip):\(endpoint.port)"
    }

    func outcomeText(_ outcome: Outcome) -> String {
        switch outcome {
        case .established, .resumed: return style.green(outcome.rawValue)
        case .failed, .reset, .noResponse, .notTLS: return style.red(outcome.rawValue)
        case .incomplete, .partial: return style.yellow(outcome.rawValue)
        }
    }

    private func headline(_ record: FlowRecord) -> String {
        var parts: [String] = []
        if let version = record.version { parts.append(version.description) }
        if let cipher = record.cipherName { parts.append(cipher) }
        if let curve = record.curve { parts.append(curve.description) }
        if let alpn = record.nextProtocol { parts.append("ALPN \(alpn)") }
        if parts.isEmpty, let hello = record.clientHello?.hello {
            let versions = hello.offeredVersions.map(\.description)
            parts.append(
                "client offered \(versions.joined(separator: ", ")); \(hello.cipherSuites.filter { !$0.isGREASE }.count) suites"
            )
        }
        let milliseconds = JSONWriter.formatFixed(record.duration * 1000, decimals: 1)
        parts.append("frames \(record.firstFrame)-\(record.lastFrame), \(milliseconds) ms")
        return parts.joined(separator: "  ")
    }

    /// What happened, in a few sentences.
    private func story(_ record: FlowRecord) -> [String] {
        var lines: [String] = []
        if !record.hasClientHello, record.sawTLS {
            if record.tcp.syn {
                lines.append("The ClientHello is not whole in the capture (lost, or cut by the snap length).")
            } else {
                lines.append("The capture starts after the ClientHello; only later records were seen.")
            }
        }
        if record.upgradedFromPlaintext {
            lines.append("TLS started after plaintext on the same connection (STARTTLS or similar).")
        }
        if let retry = record.helloRetryRequest {
            let group = retry.hello.keyShareGroup?.description ?? "another group"
            lines.append("frame \(retry.frame): the server sent a HelloRetryRequest asking for \(group).")
        }
        for alert in record.alerts where alert.stage != "after_handshake" {
            lines.append(alertSentence(alert))
        }
        if let side = record.plaintextSide, let sample = record.plaintextSample[side] {
            lines.append("The \(side.rawValue) did not speak TLS; it sent \(sample).")
        }
        if record.closedRightAfterHandshake {
            var line =
                "The client closed right after the handshake, without a request: some clients (curl, node) reject the certificate only then."
            if let check = record.chainAssessment {
                if let match = check.nameMatch, !match.isMatch {
                    line +=
                        " Here the certificate does not cover \(check.name ?? "the name asked for"): the likely reason."
                } else if !check.trusted {
                    line +=
                        " Here the chain is not trusted (\(check.untrustedRoot ?? check.missingIntermediate ?? check.verifierError ?? "see chain_check")): the likely reason."
                }
            }
            lines.append(line)
        }
        switch record.outcome {
        case .reset:
            let who = record.tcp.serverRST ? "server" : "client"
            lines.append(
                "frame \(record.tcp.rstFrame ?? record.lastFrame): the \(who) reset the connection before the handshake finished."
            )
        case .noResponse:
            if let hello = record.clientHello {
                let waited = JSONWriter.formatFixed(record.lastTimestamp.seconds(since: hello.timestamp), decimals: 3)
                lines.append(
                    "The server never answered the ClientHello (frame \(hello.frame)); the client waited \(waited) s.")
            }
        case .incomplete:
            if let gap = record.tcp.gapFrame {
                lines.append(
                    "frame \(gap): bytes are missing from the capture; the handshake cannot be followed past them.")
            } else {
                lines.append("The capture ends before the handshake finished.")
            }
        case .failed where record.alerts.isEmpty:
            lines.append(
                "The client answered the server's encrypted flight with one alert-sized encrypted record instead of its Finished."
            )
        default:
            break
        }
        if record.certificateRequest != nil && record.clientCertificateSummaries.isEmpty && record.outcome == .failed {
            lines.append("The server asked for a client certificate.")
        }
        for line in record.malformed.prefix(3) { lines.append(style.yellow(line)) }
        return lines
    }

    private func alertSentence(_ alert: AlertRecord) -> String {
        let after = alert.stage == "none" ? "" : " after \(alert.stage)"
        guard let message = alert.alert else {
            return
                "frame \(alert.frame): the \(alert.from.rawValue) sent an encrypted alert (\(alert.encryptedLength ?? 0) bytes)\(after)."
        }
        let text =
            "\(message.level.description) alert \(message.description.description) (\(message.description.rawValue))"
        let line = "frame \(alert.frame): the \(alert.from.rawValue) sent \(text)\(after)."
        return message.level == .fatal ? style.red(line) : line
    }

    /// The summary block.
    public func summary(_ summary: AnalysisSummary) -> String {
        var lines: [String] = []
        let failed = summary.flowsWithoutHandshake
        lines.append(
            style.bold("Summary")
                + ": \(counted(summary.flows, "flow")) (\(summary.tlsFlows) with TLS) in \(counted(summary.packets, "packet")); \(failed) did not complete a handshake."
        )
        let outcomes = Outcome.allCases.compactMap { outcome -> String? in
            guard let count = summary.outcomes[outcome], count > 0 else { return nil }
            return "\(outcome.rawValue) \(count)"
        }
        if !outcomes.isEmpty { lines.append("  outcomes: " + outcomes.joined(separator: ", ")) }
        let tcp = summary.tcp
        lines.append(
            "  reassembly: \(counted(tcp.segments, "segment")), \(tcp.retransmittedSegments) retransmitted, \(tcp.outOfOrderSegmentsBuffered) out of order, \(counted(tcp.gaps, "gap")), \(counted(tcp.flowsWithoutSYN, "flow")) without SYN"
        )
        var skipped: [String] = []
        if summary.nonTCPPackets > 0 { skipped.append("\(summary.nonTCPPackets) not TCP") }
        if summary.ipFragments > 0 { skipped.append("\(summary.ipFragments) IP fragments") }
        if summary.malformedPackets > 0 { skipped.append("\(summary.malformedPackets) malformed") }
        if summary.truncatedSegments > 0 { skipped.append("\(summary.truncatedSegments) cut by the snap length") }
        if !skipped.isEmpty { lines.append("  packets skipped: " + skipped.joined(separator: ", ")) }
        if summary.malformedRecords > 0 {
            lines.append("  malformed TLS records or messages: \(summary.malformedRecords)")
        }
        let limits = tcp.perDirectionLimitHits + tcp.totalLimitEvictions + tcp.maxFlowsEvictions
        if limits > 0 {
            lines.append(
                "  limits hit: \(tcp.perDirectionLimitHits) out-of-order buffers, \(tcp.totalLimitEvictions) total-memory evictions, \(tcp.maxFlowsEvictions) flow-table evictions"
            )
        }
        if let dropped = summary.droppedByKernel { lines.append("  dropped by the kernel: \(dropped)") }
        for warning in summary.warnings { lines.append(style.yellow("  warning: " + warning)) }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func bracketedIfV6(_ address: IPAddress) -> String {
        address.isIPv6 ? "[\(self)]" : self
    }
}
