import AutopsyPackets
import Testing

@testable import AutopsyFlow

/// The summary counts outcomes by their place in `Outcome.allCases` and shows them as the
/// dictionary of the outcomes seen.
@Suite struct AnalysisSummaryTests {
    @Test func everyOutcomesOrdinalIsItsPlaceInAllCases() {
        for (place, outcome) in Outcome.allCases.enumerated() { #expect(outcome.ordinal == place, "\(outcome)") }
    }

    @Test func outcomesAreCountedAndOnlyTheOnesSeenAreShown() {
        var summary = AnalysisSummary()
        #expect(summary.outcomes.isEmpty)
        let address = IPAddress(ipv4: 0x0a00_0001)
        let seen: [Outcome] = [.failed, .established, .failed, .partial, .failed]
        for (index, outcome) in seen.enumerated() {
            var record = FlowRecord(
                sequence: UInt64(index + 1), firstTimestamp: Timestamp(seconds: 0, nanoseconds: 0), firstFrame: 1,
                client: Endpoint(ip: address, port: 1), server: Endpoint(ip: address, port: 443), vlan: [])
            record.outcome = outcome
            summary.add(record)
        }
        #expect(summary.outcomes == [.failed: 3, .established: 1, .partial: 1])
        #expect(summary.flows == 5)
        // Failed and partial flows did not complete a handshake; the established one did.
        #expect(summary.flowsWithoutHandshake == 4)
        var resumed = AnalysisSummary()
        resumed.flows = 6
        resumed.outcomes = [.resumed: 2, .established: 1, .reset: 3]
        #expect(resumed.flowsWithoutHandshake == 3)
        var copy = AnalysisSummary()
        copy.flows = 5
        copy.outcomes = [.partial: 1, .established: 1, .failed: 3, .reset: 0]
        #expect(copy.outcomes == summary.outcomes)
        #expect(copy == summary)
    }
}
