import Testing

@testable import AutopsyPackets

/// Differences of capture times never trap, however far apart a capture's timestamps lie.
@Suite struct TimestampTests {
    @Test func secondsBetweenTimes() {
        let start = Timestamp(seconds: 1_700_000_000, nanoseconds: 250_000_000)
        #expect(Timestamp(seconds: 1_700_000_002, nanoseconds: 0).seconds(since: start) == 1.75)
        #expect(start.seconds(since: Timestamp(seconds: 1_700_000_002, nanoseconds: 0)) == -1.75)
        let far = Timestamp(seconds: Int64.max, nanoseconds: 0).seconds(
            since: Timestamp(seconds: Int64.min, nanoseconds: 0))
        #expect(far > 1.8e19 && far.isFinite)
        #expect(
            Timestamp(seconds: Int64.max, nanoseconds: 0).nanoseconds(since: Timestamp(seconds: -1, nanoseconds: 0))
                == Int64.max)
    }
}
