import AutopsyCapture
import AutopsyFlow
import AutopsyTCP
import AutopsyTLS
import AutopsyX509

/// The body of the libFuzzer target for the whole pipeline (`Tests/Fuzz`): the bytes of a
/// capture file, read by libpcap from memory and analyzed as `tlsautopsy analyze` does.
public enum EngineFuzzTargets {
    /// Analyzes `data` as a pcap or pcapng file, with no trust anchors (no system store:
    /// the same result on every machine) and the given limits. `emit` sees every record.
    /// Returns the run's summary (nil when libpcap refused the bytes) and the invariants broken.
    public static func pipeline(
        _ data: [UInt8], limits: Limits = Limits(), emit: (FlowRecord) -> Void = { _ in }
    ) -> (summary: AnalysisSummary?, outcome: FuzzOutcome) {
        var options = AnalysisOptions()
        options.limits = limits
        options.systemTrust = false
        options.trustStore = emptyTrust
        let analyzer = Analyzer(options: options)
        var outcome = FuzzOutcome()
        var lastID = 0
        var emitted = 0
        let opened: Bool = data.withUnsafeBytes { bytes in
            do {
                var handle = try PcapHandle.openInMemory(bytes, name: "fuzz-input")
                try analyzer.analyze(&handle, name: "fuzz-input") { record in
                    emitted += 1
                    // Past `maxWaitingRecords` open flows, a long one may come after later ones.
                    if record.id <= lastID && emitted < options.maxWaitingRecords {
                        outcome.violations.append("flow \(record.id) reported after flow \(lastID)")
                    }
                    lastID = max(lastID, record.id)
                    emit(record)
                }
                return true
            } catch {
                return false
            }
        }
        guard opened else {
            outcome.refused += 1
            return (nil, outcome)
        }
        let summary = analyzer.summary
        outcome.parsed = emitted
        if summary.flows != emitted {
            outcome.violations.append("the summary counts \(summary.flows) flows, \(emitted) were reported")
        }
        if summary.tcp.outOfOrderBytesPeak > limits.outOfOrderBytesTotal + 64 * 1024 {
            outcome.violations.append("\(summary.tcp.outOfOrderBytesPeak) out-of-order bytes held at once")
        }
        return (summary, outcome)
    }

    /// No trust anchors: every chain is judged untrusted, the same way everywhere.
    static let emptyTrust = TrustStore(derCertificates: [])
}
