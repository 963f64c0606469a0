import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import AutopsyTestSupport
import Testing

@testable import AutopsyDiagnosis

/// Which side sent a reset, and whether it looks injected by a device on the path.
@Suite struct ResetRuleTests {
    static func flow(resetTTL: UInt8, resetIPID: UInt16?, since: Int64?, rtt: Int64?) throws -> FlowRecord {
        var record = FlowRecord(
            sequence: 1, firstTimestamp: Timestamp(seconds: 100, nanoseconds: 0), firstFrame: 1,
            client: Endpoint(ip: IPAddress(ipv4: 0x0a00_0001), port: 50_000),
            server: Endpoint(ip: IPAddress(ipv4: 0x0a00_0002), port: 443), vlan: [])
        record.outcome = .reset
        record.clientHello = ClientHelloRecord(
            frame: 4, timestamp: Timestamp(seconds: 100, nanoseconds: 0), recordVersion: .tls10,
            hello: try ClientHello.parse(Wire.clientHelloBody()))
        var server = SideStats()
        server.packets = 2
        server.minTTL = 57
        server.maxTTL = 57
        server.lastIPID = 4000
        server.allIPIDsZero = false
        record.tcp.serverStats = server
        record.tcp.serverRST = true
        record.tcp.synTime = Timestamp(seconds: 100, nanoseconds: 0)
        if let rtt { record.tcp.synAckTime = Timestamp(seconds: 100, nanoseconds: UInt32(rtt)) }
        record.tcp.reset = ResetFacts(
            from: .server, frame: 6, timestamp: Timestamp(seconds: 100, nanoseconds: 500_000_000), ttl: resetTTL,
            ipID: resetIPID, sinceOtherSide: since)
        return record
    }

    @Test func aResetLikeTheServersOwnIsTheServers() throws {
        let record = try Self.flow(resetTTL: 57, resetIPID: 4001, since: 80_000_000, rtt: 60_000_000)
        let diagnosis = try #require(ConnectionResetRule().diagnose(record, DiagnosisContext()))
        #expect(diagnosis.summary == "The connection was reset by the server before the handshake finished.")
        #expect(!diagnosis.inferred)
        // The logs to read are those of the RST's time, to the second.
        #expect(diagnosis.remedy.contains("check its logs around 1970-01-01T00:01:40Z (the RST, frame 6);"))
    }

    @Test func aResetFromTheClientPointsAtItsLogsThen() throws {
        var record = try Self.flow(resetTTL: 57, resetIPID: 4001, since: 80_000_000, rtt: 60_000_000)
        record.tcp.reset?.from = .client
        let diagnosis = try #require(ConnectionResetRule().diagnose(record, DiagnosisContext()))
        #expect(
            diagnosis.remedy
                == "The client aborted the handshake: check the client's logs around 1970-01-01T00:01:40Z (the RST, frame 6)."
        )
    }

    @Test(arguments: [
        (UInt8(64), UInt16(4001), Int64(80_000_000), "TTL is 64"),
        (57, 51_000, 80_000_000, "IP id is 51000"),
        (57, 4001, 2_000_000, "faster than the server's round trip"),
    ])
    func anInjectedResetIsFlagged(ttl: UInt8, ipID: UInt16, since: Int64, sign: String) throws {
        let record = try Self.flow(resetTTL: ttl, resetIPID: ipID, since: since, rtt: 60_000_000)
        let diagnosis = try #require(ConnectionResetRule().diagnose(record, DiagnosisContext()))
        #expect(diagnosis.inferred)
        #expect(diagnosis.summary.contains("a device on the path"))
        #expect(diagnosis.evidence.contains { $0.contains(sign) })
    }

    @Test func oneOtherPacketIsSingular() throws {
        var record = try Self.flow(resetTTL: 64, resetIPID: nil, since: nil, rtt: nil)
        record.tcp.serverStats.packets = 1
        let diagnosis = try #require(ConnectionResetRule().diagnose(record, DiagnosisContext()))
        #expect(
            diagnosis.evidence.contains(
                "the RST's TTL is 64, the server's 1 other packet had 57: it likely comes from another device"))
    }
}
