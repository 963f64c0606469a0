import AutopsyFlow
import AutopsyPackets
import AutopsyTLS

/// One flow as a ladder diagram: client and server columns, each message with its frame,
/// time since the first packet and key fields, then the diagnoses.
public struct Ladder {
    let text: TextReport

    /// Creates a ladder renderer.
    public init(style: Style) { text = TextReport(style: style) }

    /// The diagram.
    public func render(_ record: FlowRecord) -> String {
        let width = 58
        var lines = [text.title(record), ""]
        lines.append("  " + pad("time", 10) + pad("frame", 7) + pad("client", width) + "server")
        let start = record.firstTimestamp
        if record.tcp.syn {
            let time = record.tcp.synTime ?? start
            lines.append(row(start, time, record.tcp.synFrame ?? record.firstFrame, .client, "TCP SYN", width))
        }
        if let time = record.tcp.synAckTime, let frame = record.tcp.synAckFrame {
            lines.append(row(start, time, frame, .server, "TCP SYN-ACK", width))
        }
        for step in record.steps {
            lines.append(row(start, step.timestamp, step.frame, step.from, describe(step, record), width))
        }
        if record.stepsOmitted > 0 { lines.append("  ... \(record.stepsOmitted) more messages") }
        if let reset = record.tcp.reset {
            lines.append(row(start, reset.timestamp, reset.frame, reset.from, "TCP RST (TTL \(reset.ttl))", width))
        }
        for alert in record.alerts where alert.stage == "after_handshake" {
            let label =
                alert.alert.map { "alert \($0.description.description) (\($0.level.description))" } ?? "encrypted alert"
            lines.append(row(start, alert.timestamp, alert.frame, alert.from, label, width))
        }
        lines.append("")
        lines.append("  outcome: \(record.outcome.rawValue)")
        for diagnosis in record.diagnoses {
            lines.append("")
            lines.append(contentsOf: text.diagnosisLines(diagnosis, indent: "  "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func row(
        _ start: Timestamp, _ time: Timestamp, _ frame: UInt64, _ from: Side, _ label: String, _ width: Int
    )
        -> String
    {
        let milliseconds = JSONWriter.formatFixed(time.seconds(since: start) * 1000, decimals: 3) + " ms"
        let arrowLength = max(width - label.count - 4, 6)
        let arrow =
            from == .client
            ? label + " " + String(repeating: "-", count: arrowLength) + ">"
            : "<" + String(repeating: "-", count: arrowLength) + " " + label
        return "  " + pad(milliseconds, 10) + pad(String(frame), 7) + arrow
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// The key fields of a message.
    private func describe(_ step: ExchangeStep, _ record: FlowRecord) -> String {
        switch step.kind {
        case .handshake(.clientHello):
            guard let hello = record.clientHello?.frame == step.frame ? record.clientHello : record.retryClientHello
            else { return "ClientHello" }
            let versions = hello.hello.offeredVersions.map(\.description)
            var fields = [versions.joined(separator: ", ")]
            if let name = hello.hello.extensions.serverName { fields.append("SNI \(name)") }
            fields.append("\(hello.hello.cipherSuites.filter { !$0.isGREASE }.count) suites")
            return "ClientHello (\(fields.joined(separator: "; ")))"
        case .handshake(.serverHello):
            if let retry = record.helloRetryRequest, retry.frame == step.frame, record.serverHello?.frame != step.frame
            {
                return "HelloRetryRequest (\(retry.hello.keyShareGroup?.description ?? "group"))"
            }
            guard let hello = record.serverHello?.hello else { return "ServerHello" }
            return "ServerHello (\(hello.selectedVersion), \(hello.cipherSuite))"
        case .handshake(.certificate):
            let count =
                step.from == .server ? record.certificateSummaries.count : record.clientCertificateSummaries.count
            return "Certificate (\(counted(count, "cert")))"
        case .alert:
            let alert = record.alerts.first { $0.frame == step.frame && $0.from == step.from }?.alert
            return alert.map { "Alert \($0.description.description) (\($0.level.description))" } ?? "Alert"
        case .encryptedAlertSizedRecord:
            return "encrypted record, \(step.length) bytes (alert-sized)"
        case .encryptedHandshake, .encryptedRecord, .applicationData, .encryptedAlert:
            return "\(step.kind.name.replacingUnderscores), \(step.length) bytes"
        default:
            // Handshake messages by their RFC names: server_hello_done -> ServerHelloDone.
            return step.kind.name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
    }
}

extension String {
    fileprivate var replacingUnderscores: String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
