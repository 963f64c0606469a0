import AutopsyPackets
import Testing

@testable import AutopsyTCP

/// The compact tombstone table on its own: keys by fingerprint, expiry after the last hit,
/// the capacity bound, removal and reuse of slots.
@Suite struct TombstoneTableTests {
    static func key(_ port: UInt16, v6: Bool = false) -> FlowKey {
        var connection = Connection()
        connection.clientPort = port
        if v6 {
            connection.client = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1)
            connection.server = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 2)
        }
        return FlowKey(Self.segment(connection.syn()))
    }

    static func segment(_ packet: TestPacket) -> TCPSegment {
        TCPSegment(
            source: packet.source, destination: packet.destination, sourcePort: packet.sourcePort,
            destinationPort: packet.destinationPort, sequence: 0, acknowledgment: 0, flags: packet.flags,
            window: 0, ttl: 64, ipID: nil, vlan: packet.vlan, payloadOffset: 0, payloadLength: 0,
            payloadLengthOnWire: 0)
    }

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(seconds: seconds, nanoseconds: 0) }
    static let second: Int64 = 1_000_000_000

    @Test func fingerprintsAreTheSameForBothDirectionsAndDifferPerKey() {
        var connection = Connection()
        connection.clientPort = 40_000
        let forward = FlowKey(Self.segment(connection.syn()))
        let backward = FlowKey(Self.segment(connection.synAck()))
        #expect(TombstoneTable.fingerprint(forward) == TombstoneTable.fingerprint(backward))
        let fingerprints = Set((1...5_000).map { TombstoneTable.fingerprint(Self.key(UInt16($0))) })
        #expect(fingerprints.count == 5_000)
        #expect(TombstoneTable.fingerprint(Self.key(1)) != TombstoneTable.fingerprint(Self.key(1, v6: true)))
    }

    @Test func expiresAfterTheLastHitNotTheFirst() {
        var table = TombstoneTable()
        #expect(table.insert(Self.key(1), at: Self.at(0), capacity: 100) == 0)
        #expect(table.insert(Self.key(2), at: Self.at(1), capacity: 100) == 0)
        // Key 1 is hit at 50 s: it outlives key 2, which was never hit.
        if let slot = table.lookup(Self.key(1)) { table.touch(slot, at: Self.at(50)) }
        #expect(table.expire(now: Self.at(61), timeout: 60 * Self.second) == 1)
        #expect(table.lookup(Self.key(1)) != nil)
        #expect(table.lookup(Self.key(2)) == nil)
        #expect(table.expire(now: Self.at(109), timeout: 60 * Self.second) == 0)
        #expect(table.expire(now: Self.at(110), timeout: 60 * Self.second) == 1)
        #expect(table.count == 0)
    }

    @Test func capacityDropsTheOldestQueued() {
        var table = TombstoneTable()
        var dropped = 0
        for port in 1...10 { dropped += table.insert(Self.key(UInt16(port)), at: Self.at(Int64(port)), capacity: 4) }
        #expect(dropped == 6)
        #expect(table.count == 4)
        #expect(table.lookup(Self.key(6)) == nil)
        #expect((7...10).allSatisfy { table.lookup(Self.key(UInt16($0))) != nil })
    }

    @Test func removedSlotsAreReusedAndTheirOldPlacesIgnored() {
        var table = TombstoneTable()
        for port in 1...3 { _ = table.insert(Self.key(UInt16(port)), at: Self.at(0), capacity: 100) }
        if let slot = table.lookup(Self.key(2)) { table.remove(slot) }
        #expect(table.count == 2)
        // The freed slot takes a new key at a later time; the old queue place must not expire it.
        _ = table.insert(Self.key(9), at: Self.at(30), capacity: 100)
        #expect(table.expire(now: Self.at(60), timeout: 60 * Self.second) == 2)
        #expect(table.lookup(Self.key(9)) != nil)
        #expect(table.expire(now: Self.at(90), timeout: 60 * Self.second) == 1)
        #expect(table.count == 0)
    }

    @Test func manyInsertsGrowTheQueueAndAllExpire() {
        var table = TombstoneTable()
        for port in 1...20_000 {
            _ = table.insert(Self.key(UInt16(port)), at: Self.at(Int64(port / 1_000)), capacity: 1_000_000)
        }
        #expect(table.count == 20_000)
        #expect(table.expire(now: Self.at(81), timeout: 60 * Self.second) == 20_000)
        #expect(table.count == 0)
    }

    /// Removals in a crowded table (backward shifts past collisions) against a plain set.
    @Test func randomInsertsAndRemovalsMatchASet() {
        var table = TombstoneTable()
        var reference: Set<UInt16> = []
        var generator = SplitMix64(seed: 7)
        for step in 0..<40_000 {
            let port = UInt16(truncatingIfNeeded: generator.next() % 1_200 + 1)
            if generator.next() % 3 == 0 {
                if let slot = table.lookup(Self.key(port)) { table.remove(slot) }
                reference.remove(port)
            } else {
                _ = table.insert(Self.key(port), at: Self.at(Int64(step)), capacity: 1_000_000)
                reference.insert(port)
            }
            if step % 997 == 0 {
                #expect(table.count == reference.count)
                #expect(
                    (1...1_200).allSatisfy {
                        (table.lookup(Self.key(UInt16($0))) != nil) == reference.contains(UInt16($0))
                    })
            }
        }
        #expect(table.count == reference.count)
        #expect(
            (1...1_200).allSatisfy { (table.lookup(Self.key(UInt16($0))) != nil) == reference.contains(UInt16($0)) })
    }

    /// Times are kept in whole seconds, rounded up: a tombstone hit at 10.2 s lives until
    /// 70.2 s at least and is gone by 71 s.
    @Test func fractionalTimesRoundUpNeverDown() {
        var table = TombstoneTable()
        _ = table.insert(Self.key(1), at: Timestamp(seconds: 10, nanoseconds: 200_000_000), capacity: 10)
        #expect(table.expire(now: Timestamp(seconds: 70, nanoseconds: 199_999_999), timeout: 60 * Self.second) == 0)
        #expect(table.expire(now: Timestamp(seconds: 70, nanoseconds: 900_000_000), timeout: 60 * Self.second) == 0)
        #expect(table.expire(now: Self.at(71), timeout: 60 * Self.second) == 1)
        // Times before 1970 (a hostile file) count as the epoch.
        _ = table.insert(Self.key(2), at: Self.at(-5_000), capacity: 10)
        #expect(table.expire(now: Self.at(59), timeout: 60 * Self.second) == 0)
        #expect(table.expire(now: Self.at(60), timeout: 60 * Self.second) == 1)
    }
}
