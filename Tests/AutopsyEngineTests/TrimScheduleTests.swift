import Testing

@testable import AutopsyEngine

/// Memory is trimmed at a capture second's start, and never more than once per
/// `minimumPackets` packets, whatever the timestamps.
@Suite struct TrimScheduleTests {
    @Test func everyPacketANewSecondStillTrimsRarely() {
        var schedule = TrimSchedule()
        let packets = 10 * TrimSchedule.minimumPackets
        let trims = (0..<packets).filter { _ in schedule.packet(tick: true) }.count
        #expect(trims == 10)
    }

    @Test func noTrimWithinASecond() {
        var schedule = TrimSchedule()
        var trims = 0
        for _ in 0..<(3 * TrimSchedule.minimumPackets) where schedule.packet(tick: false) { trims += 1 }
        #expect(trims == 0)
        // The first new second after enough packets trims, and the count starts over.
        let first = schedule.packet(tick: true)
        let second = schedule.packet(tick: true)
        #expect(first)
        #expect(!second)
    }
}
