import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import AutopsyTestSupport
import Testing

@testable import AutopsyDiagnosis

/// A statement names the server by the SNI its flows shared, and by none once two of its
/// flows differ (another name, or no name at all), whichever flow differs.
@Suite struct PatternNameTests {
    /// A flow to 192.0.2.1:443 asking for `name` (nil: no SNI), from 10.0.1.0/24 when it
    /// fails and 10.0.2.0/24 when it succeeds (so the client network separates them).
    static func flow(_ index: Int, name: String?, fails: Bool) throws -> FlowRecord {
        var record = FlowRecord(
            sequence: UInt64(index), firstTimestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: 0), firstFrame: 1,
            client: Endpoint(
                ip: IPAddress(ipv4: 0x0A00_0000 | (fails ? 1 : 2) << 8 | UInt32(index % 200 + 1)), port: 40_000),
            server: Endpoint(ip: IPAddress(ipv4: 0xC000_0201), port: 443), vlan: [])
        let hello = try ClientHello.parse(Wire.clientHelloBody(sni: name ?? "", alpn: []))
        record.clientHello = ClientHelloRecord(
            frame: 1, timestamp: record.firstTimestamp, recordVersion: .tls10, hello: hello)
        record.outcome = fails ? .reset : .established
        return record
    }

    /// The server name of the one statement made on flows with these names (alternately
    /// failed and successful, twenty of each).
    static func statedName(_ names: [String?]) throws -> String?? {
        var finder = PatternFinder()
        for index in 0..<40 {
            finder.add(try flow(index, name: names[index % names.count], fails: index % 2 == 0))
        }
        let statements = finder.patterns()
        #expect(statements.count == 1)
        return statements.first.map(\.serverName)
    }

    @Test func oneSharedNameIsStated() throws {
        #expect(try Self.statedName(["a.example"]) == .some("a.example"))
    }

    @Test(
        arguments: [
            ["a.example", "b.example"],
            ["a.example", "a.example", "a.example", "b.example"],
            [nil, "a.example"],
            ["a.example", nil],
            ["a.example", "b.example", "c.example"],
        ] as [[String?]])
    func namesThatDifferAreNotStated(_ names: [String?]) throws {
        #expect(try Self.statedName(names) == .some(nil))
    }

    @Test func noNameAtAllIsNotStated() throws {
        #expect(try Self.statedName([nil]) == .some(nil))
    }
}
