import AutopsyDiagnosis
import AutopsyFlow

/// The report a person on call reads at the end of a run: a headline (flows, failures,
/// top causes), the patterns across flows, then the failing flows grouped by diagnosis,
/// each with its evidence and check command. Memory is bounded: a few example flows are
/// kept per cause, the rest are counted.
public struct OnCallReport {
    let text: TextReport
    /// Example flows kept in full per diagnosis.
    public let examplesPerCause: Int
    /// Patterns listed at most, those with the most failed flows first (nil: all, in the
    /// summary's order). A capture of many servers can have hundreds; the JSON summary
    /// holds them all.
    public let patternsShown: Int?
    private var groups: [String: (count: Int, examples: [FlowRecord])] = [:]
    private var undiagnosed: (count: Int, examples: [FlowRecord]) = (0, [])

    /// Creates a collector.
    public init(style: Style, examplesPerCause: Int = 5, patternsShown: Int? = 10) {
        text = TextReport(style: style)
        self.examplesPerCause = examplesPerCause
        self.patternsShown = patternsShown
    }

    /// Notes a flow; only failures are kept.
    public mutating func add(_ record: FlowRecord) {
        guard record.outcome != .established && record.outcome != .resumed else { return }
        guard let cause = record.diagnoses.first?.id else {
            undiagnosed.count += 1
            if undiagnosed.examples.count < examplesPerCause { undiagnosed.examples.append(record) }
            return
        }
        var group = groups[cause] ?? (0, [])
        group.count += 1
        if group.examples.count < examplesPerCause { group.examples.append(record) }
        groups[cause] = group
    }

    /// The causes, most frequent first (ties in id order).
    var causes: [(id: String, count: Int)] {
        groups.map { (id: $0.key, count: $0.value.count) }.sorted {
            $0.count != $1.count ? $0.count > $1.count : $0.id < $1.id
        }
    }

    /// The whole report, summary last.
    public func render(_ summary: AnalysisSummary) -> String {
        var lines: [String] = []
        let style = text.style
        let failed = summary.flowsWithoutHandshake
        var headline = "\(counted(summary.flows, "TLS flow")), \(failed) failed"
        if !causes.isEmpty {
            headline += ": " + causes.prefix(3).map { "\($0.count) \($0.id)" }.joined(separator: ", ")
            if causes.count > 3 { headline += ", ..." }
        }
        lines.append(style.bold(headline))
        lines.append("")
        if !summary.patterns.isEmpty {
            lines.append(style.bold("Patterns"))
            let shown = Self.strongest(summary.patterns, limit: patternsShown)
            for pattern in shown {
                let name = pattern.serverName.map { " (\($0))" } ?? ""
                lines.append("  \(pattern.server)\(name): \(pattern.statement)")
            }
            if shown.count < summary.patterns.count {
                lines.append(
                    "  ... and \(summary.patterns.count - shown.count) more at servers with fewer failures (--verbose lists every pattern)"
                )
            }
            lines.append("")
        }
        if !causes.isEmpty || undiagnosed.count > 0 {
            lines.append(style.bold("Failures by cause"))
            for cause in causes {
                guard let group = groups[cause.id], let first = group.examples.first?.diagnoses.first else { continue }
                lines.append("")
                lines.append(style.red("\(cause.id)") + " (\(counted(cause.count, "flow"))): \(first.summary)")
                for record in group.examples { lines.append(contentsOf: example(record, cause: cause.id)) }
                if group.count > group.examples.count {
                    lines.append("    ... and \(group.count - group.examples.count) more (--verbose lists every flow)")
                }
            }
            if undiagnosed.count > 0 {
                lines.append("")
                lines.append(
                    style.yellow("not diagnosed") + " (\(undiagnosed.count)): the capture does not show enough")
                for record in undiagnosed.examples { lines.append("  " + text.title(record)) }
            }
            lines.append("")
        }
        lines.append(text.summary(summary))
        return lines.joined(separator: "\n")
    }

    /// The first `limit` patterns by failed flows, most first (ties in the summary's order);
    /// all of them, in the summary's order, without a limit.
    static func strongest(_ patterns: [PatternStatement], limit: Int?) -> [PatternStatement] {
        guard let limit else { return patterns }
        let ranked = patterns.enumerated().sorted {
            $0.element.failed != $1.element.failed ? $0.element.failed > $1.element.failed : $0.offset < $1.offset
        }
        return ranked.prefix(max(limit, 0)).map(\.element)
    }

    private func example(_ record: FlowRecord, cause: String) -> [String] {
        var lines = ["  " + text.title(record)]
        for diagnosis in record.diagnoses where diagnosis.id == cause {
            for evidence in diagnosis.evidence { lines.append("    - " + evidence) }
            lines.append("    what to do: " + diagnosis.remedy)
            lines.append("    check: " + diagnosis.check)
        }
        for other in record.diagnoses where other.id != cause {
            lines.append("    also \(other.id): \(other.summary)")
        }
        return lines
    }
}
