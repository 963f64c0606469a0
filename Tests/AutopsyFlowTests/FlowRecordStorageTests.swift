import AutopsyPackets
import AutopsyTLS
import AutopsyTestSupport
import Testing

@testable import AutopsyFlow

/// A record keeps its fields in one shared box: passing it on shares the box, and a change
/// to one copy never shows in another (copy on write).
@Suite struct FlowRecordStorageTests {
    static func record() -> FlowRecord {
        FlowRecord(
            sequence: 7, firstTimestamp: Timestamp(seconds: 100, nanoseconds: 5), firstFrame: 3,
            client: Endpoint(ip: IPAddress(ipv4: 0x0A00_0001), port: 40_000),
            server: Endpoint(ip: IPAddress(ipv4: 0x0A00_0002), port: 443), vlan: [12])
    }

    @Test func aCopyChangesAlone() {
        var original = Self.record()
        original.alerts = []
        let before = original
        var copy = original
        copy.outcome = .reset
        copy.tcp.retransmissions += 2
        copy.steps.append(
            ExchangeStep(
                frame: 9, timestamp: copy.firstTimestamp, from: .client, kind: .handshake(.clientHello), length: 1))
        copy.swapEndpoints()
        #expect(original == before)
        #expect(original.outcome == .incomplete && original.tcp.retransmissions == 0 && original.steps.isEmpty)
        #expect(original.client.port == 40_000)
        #expect(copy.outcome == .reset && copy.tcp.retransmissions == 2 && copy.steps.count == 1)
        #expect(copy.client.port == 443 && copy.server.port == 40_000)
        #expect(copy != original)
        // Changed back field by field, the copy equals the original again, and hashes alike.
        copy.outcome = .incomplete
        copy.tcp.retransmissions = 0
        copy.steps.removeAll()
        copy.swapEndpoints()
        #expect(copy == original && copy.hashValue == original.hashValue)
    }

    /// What a record holds from its handshake, over-estimated: its plaintext handshake
    /// messages (SSL 2.0's too) and, again, its certificates' DER; encrypted records,
    /// alerts and application data not at all.
    @Test func heldBytesCountTheHandshakeAndTheCertificates() {
        var record = Self.record()
        #expect(record.heldBytesEstimate == 0)
        let kinds: [(StepKind, Int)] = [
            (.handshake(.clientHello), 517), (.handshake(.certificate), 3_000), (.clientMasterKey, 40),
            (.sslv2Message(7), 5), (.changeCipherSpec, 1), (.alert, 2), (.encryptedHandshake, 4_000),
            (.applicationData, 60_000), (.record(99), 70), (.handshake(.clientHello), -1),
        ]
        for (kind, length) in kinds {
            record.steps.append(
                ExchangeStep(frame: 1, timestamp: record.firstTimestamp, from: .client, kind: kind, length: length))
        }
        #expect(record.heldBytesEstimate == 517 + 3_000 + 40 + 5)
        record.serverCertificates = [[UInt8](repeating: 1, count: 1_200), [UInt8](repeating: 2, count: 900)]
        record.clientCertificates = [[UInt8](repeating: 3, count: 700)]
        #expect(record.heldBytesEstimate == 517 + 3_000 + 40 + 5 + 1_200 + 900 + 700)
    }

    @Test func theInitializerSetsTheFirstAndLastAlike() {
        let record = Self.record()
        #expect(record.lastTimestamp == record.firstTimestamp && record.lastFrame == 3)
        #expect(record.sequence == 7 && record.vlan == [12] && record.id == 0)
        #expect(!record.hasClientHello && !record.hasServerHello && record.version == nil)
        // Shown by its fields, not its box.
        #expect(String(reflecting: record).hasPrefix("FlowRecord(id: 0, sequence: 7, "))
    }

    /// A hello's record shares its facts (the hello among them) with its copies; a change to
    /// one copy stays in that copy, and equality and hashing read the facts, not their box.
    @Test func aHelloRecordsCopiesShareTheHelloUntilOneChanges() throws {
        let hello = try ClientHello.parse(Wire.clientHelloBody())
        let original = ClientHelloRecord(
            frame: 4, timestamp: Timestamp(seconds: 1, nanoseconds: 0), recordVersion: .tls12, hello: hello)
        var copy = original
        #expect(copy == original && copy.hashValue == original.hashValue)
        copy.hello.cipherSuites.removeAll()
        copy.ja4 = "t13d0000_000000000000_000000000000"
        #expect(original.hello.cipherSuites.count == 5 && copy.hello.cipherSuites.isEmpty)
        #expect(original.ja4 == nil && copy.ja4 != nil)
        #expect(copy != original)
        // Equal hellos in separate boxes are equal records.
        let twin = ClientHelloRecord(
            frame: 4, timestamp: Timestamp(seconds: 1, nanoseconds: 0), recordVersion: .tls12,
            hello: try ClientHello.parse(Wire.clientHelloBody()))
        #expect(twin == original && twin.hashValue == original.hashValue)
        var server = ServerHelloRecord(
            frame: 6, timestamp: Timestamp(seconds: 1, nanoseconds: 0),
            hello: try ServerHello.parse(Wire.serverHelloBody()))
        let before = server
        server.hello.cipherSuite = CipherSuite(rawValue: 0x1302)
        server.ja3s = "0"
        #expect(before.hello.cipherSuite.rawValue == 0x1301 && server != before)
        #expect(before.ja3s == nil && server.ja3s == "0")
    }
}
