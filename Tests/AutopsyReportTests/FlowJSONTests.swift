import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import AutopsyTestSupport
import Foundation
import Testing

@testable import AutopsyReport

/// A flow line's members written in runs (each key with the comma before it) read back as
/// the contract's objects, the same whether the line is written whole or rendered ahead.
@Suite struct FlowJSONTests {
    /// A record with a ClientHello whose extensions are `extensions`, on VLANs `vlan`.
    static func record(extensions: [UInt8], vlan: [Int] = []) throws -> FlowRecord {
        let body =
            Wire.u16(0x0303) + [UInt8](repeating: 1, count: 32) + Wire.vec8([]) + Wire.vec16(Wire.u16(0x1301))
            + Wire.vec8([0]) + Wire.vec16(extensions)
        let hello = try ClientHello.parse(body)
        let at = Timestamp(seconds: 1_700_000_000, nanoseconds: 5_000)
        var record = FlowRecord(
            sequence: 1, firstTimestamp: at, firstFrame: 3,
            client: Endpoint(ip: IPAddress(ipv4: 0x0a00_0001), port: 50_000),
            server: Endpoint(ip: IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1), port: 443), vlan: vlan)
        record.id = 7
        record.clientHello = ClientHelloRecord(frame: 4, timestamp: at, recordVersion: .tls10, hello: hello)
        return record
    }

    /// The line written whole, written from the parts rendered ahead, and written whole
    /// with a cache's parts (as one thread writes it; twice, the second time from the
    /// cache's kept parts): they must agree.
    static func object(_ record: FlowRecord) throws -> [String: Any] {
        let whole = FlowJSON.line(record)
        var ahead = record
        ahead.renderedJSON = JSONFragments().render(record)
        #expect(FlowJSON.line(ahead) == whole)
        let fragments = JSONFragments()
        for pass in 1...2 {
            var writer = JSONWriter(notingSharedRuns: true)
            FlowJSON.write(record, to: &writer, fragments: fragments)
            #expect(String(decoding: writer.runs.bytes, as: UTF8.self) == whole, "pass \(pass)")
        }
        return try #require(try JSONSerialization.jsonObject(with: Data(whole.utf8)) as? [String: Any])
    }

    @Test func theECHFieldsOfAnOuterHelloAreAnObject() throws {
        let ech =
            Wire.u8(0) + Wire.u16(0x0001) + Wire.u16(0x0003) + Wire.u8(0x42)
            + Wire.vec16([UInt8](repeating: 7, count: 32)) + Wire.vec16([UInt8](repeating: 8, count: 200))
        let line = try Self.object(Self.record(extensions: Wire.ext(0xfe0d, ech)))
        let hello = try #require(line["client_hello"] as? [String: Any])
        let object = try #require(hello["ech"] as? [String: Any])
        #expect(object["type"] as? Int == 0)
        #expect(object["kdf"] as? Int == 1)
        #expect(object["aead"] as? Int == 3)
        #expect(object["config_id"] as? Int == 0x42)
        #expect(object["payload_length"] as? Int == 200)
        #expect(hello["early_data"] as? Bool == false)
        #expect(hello["frame"] as? Int == 4)
    }

    /// An inner hello's ECH extension carries its type alone: the other fields are null.
    @Test func anInnerHellosECHHasNullsForWhatItDoesNotCarry() throws {
        let line = try Self.object(Self.record(extensions: Wire.ext(0xfe0d, Wire.u8(1))))
        let hello = try #require(line["client_hello"] as? [String: Any])
        let object = try #require(hello["ech"] as? [String: Any])
        #expect(object["type"] as? Int == 1)
        for key in ["kdf", "aead", "config_id", "payload_length"] { #expect(object[key] is NSNull, "\(key)") }
    }

    @Test func aHelloWithoutECHHasNullAndTheHeadMembersReadBack() throws {
        let line = try Self.object(Self.record(extensions: Wire.ext(0x002a, []), vlan: [200, 100]))
        let hello = try #require(line["client_hello"] as? [String: Any])
        #expect(hello["ech"] is NSNull)
        #expect(hello["early_data"] as? Bool == true)
        #expect(line["id"] as? Int == 7)
        #expect(line["ts"] as? String == "2023-11-14T22:13:20.000005Z")
        #expect(line["first_frame"] as? Int == 3)
        #expect(line["vlan"] as? [Int] == [200, 100])
        let client = try #require(line["client"] as? [String: Any])
        #expect(client["ip"] as? String == "10.0.0.1")
        #expect(client["port"] as? Int == 50_000)
        let server = try #require(line["server"] as? [String: Any])
        #expect(server["ip"] as? String == "2001:db8::1")
        #expect(server["port"] as? Int == 443)
        #expect(line["server_hello"] is NSNull)
        let tcp = try #require(line["tcp"] as? [String: Any])
        let members = ["client_fin", "client_rst", "gaps", "retransmissions", "server_fin", "server_rst", "syn"]
        #expect(tcp.keys.sorted() == members)
        #expect(line["resumed"] as? Bool == false)
        #expect(line["established"] as? Bool == false)
    }
}
