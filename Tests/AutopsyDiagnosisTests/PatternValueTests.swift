import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import AutopsyTestSupport
import Testing

@testable import AutopsyDiagnosis

/// The pattern finder keeps numbered values (client networks, minutes, versions, VLANs) as
/// numbers and spells them only when it states a pattern: the spelling must be the one a
/// flow's own value has.
@Suite struct PatternValueTests {
    static func flow(client: IPAddress, seconds: Int64, vlan: [Int]) -> FlowRecord {
        FlowRecord(
            sequence: 1, firstTimestamp: Timestamp(seconds: seconds, nanoseconds: 250), firstFrame: 1,
            client: Endpoint(ip: client, port: 40_000), server: Endpoint(ip: IPAddress(ipv4: 0x0A00_0001), port: 443),
            vlan: vlan)
    }

    /// A flow with a ClientHello from host `host` of 10.x.y.0/24 (x.y is `network`) to
    /// 192.0.2.`server`:443, at second 30, reset when it `fails`.
    static func flow(network: UInt32, host: UInt32, server: Int, fails: Bool, hello: ClientHello) -> FlowRecord {
        var record = flow(client: IPAddress(ipv4: 0x0A00_0000 | network << 8 | host), seconds: 30, vlan: [])
        record.server = Endpoint(ip: IPAddress(ipv4: 0xC000_0200 | UInt32(server)), port: 443)
        record.clientHello = ClientHelloRecord(
            frame: 1, timestamp: record.firstTimestamp, recordVersion: .tls10, hello: hello)
        record.outcome = fails ? .reset : .established
        return record
    }

    @Test("client networks are /24s and /48s: hosts of one site share one")
    func clientNetworks() {
        let code = UInt8(PatternFinder.Attribute.allCases.firstIndex(of: .clientNetwork) ?? 0)
        func network(_ ip: IPAddress) -> (PatternFinder.NumberKey, String) {
            let record = Self.flow(client: ip, seconds: 0, vlan: [])
            return (
                PatternFinder.numberKey(.clientNetwork, code: code, of: record),
                PatternFinder.value(.clientNetwork, of: record)
            )
        }
        let a = network(IPAddress(ipv6High: 0x2001_0db8_c000_0012, low: 0x1234))
        let b = network(IPAddress(ipv6High: 0x2001_0db8_c000_ffff, low: 0x5678))
        let other = network(IPAddress(ipv6High: 0x2001_0db8_c001_0012, low: 0x1234))
        #expect(a.1 == "2001:db8:c000::/48")
        #expect(a.0 == b.0 && a.1 == b.1)
        #expect(a.0 != other.0 && other.1 == "2001:db8:c001::/48")
        #expect(network(IPAddress(ipv4: 0xC612_2A07)).1 == "198.18.42.0/24")
    }

    @Test(arguments: [
        (IPAddress(ipv4: 0xC612_2A07), Int64(1_700_000_000), [Int]()),
        (IPAddress(ipv4: 0x0000_0000), Int64(59), [0]),
        (IPAddress(ipv6High: 0x2001_0db8_c000_0012, low: 0x1234), Int64(-61), [4095, 7]),
        (IPAddress(ipv6High: 0, low: 1), Int64(0), [100]),
    ])
    func numberedValuesAreSpelledAsTheFlowsOwn(client: IPAddress, seconds: Int64, vlan: [Int]) throws {
        let bare = Self.flow(client: client, seconds: seconds, vlan: vlan)
        var offered = bare
        offered.clientHello = ClientHelloRecord(
            frame: 1, timestamp: bare.firstTimestamp, recordVersion: .tls10,
            hello: try ClientHello.parse(Wire.clientHelloBody()))
        var spellings: Set<String> = []
        for record in [bare, offered] {
            for (code, attribute) in PatternFinder.Attribute.allCases.enumerated() {
                guard PatternFinder.isNumbered(attribute) else { continue }
                let key = PatternFinder.numberKey(attribute, code: UInt8(code), of: record)
                let text = PatternFinder.text(of: key, attribute)
                #expect(text == PatternFinder.value(attribute, of: record))
                spellings.insert("\(attribute.rawValue)=\(text)")
            }
        }
        // Both answers of the yes/no attributes were spelled.
        #expect(spellings.isSuperset(of: ["sni_present=yes", "sni_present=no", "offers_tls13=yes", "offers_tls13=no"]))
    }

    /// A server reached from thousands of client networks, a minute apart: the counts per
    /// attribute stop at `maxValuesPerAttribute` values plus "other", and the pattern still
    /// names the failing network.
    @Test func manyValuesOfOneServerCountAsOther() throws {
        var finder = PatternFinder()
        let hello = try ClientHello.parse(Wire.clientHelloBody())
        let flows = 2_000
        var reserved = 0
        for index in 0..<flows {
            let failing = index == 0 || index == 1
            var record = Self.flow(
                client: IPAddress(ipv4: 0x0A00_0000 | UInt32(failing ? 0 : index + 1) << 8), seconds: Int64(index) * 60,
                vlan: [])
            record.clientHello = ClientHelloRecord(
                frame: 1, timestamp: record.firstTimestamp, recordVersion: .tls10, hello: hello)
            record.outcome = failing ? .reset : .established
            finder.add(record)
            if index == 0 { reserved = finder.poolCapacity }
        }
        // The pool was reserved at its bound with the first counts, and never grown after.
        #expect(reserved >= PatternFinder.poolBound)
        #expect(finder.poolCapacity == reserved)
        let perAttribute = PatternFinder.maxValuesPerAttribute + 1
        // Networks and minutes are capped; the other nine attributes have one value each here.
        #expect(finder.countsHeld == 2 * perAttribute + 9)
        #expect(finder.minutesHeld == flows)
        let pattern = try #require(finder.patterns().first)
        #expect(pattern.attribute == "client_network")
        #expect(pattern.statement.hasPrefix("All 2 failed flows came from 10.0.0.0/24"))
    }

    /// Flows that repeat every value a server already counts (each found through the index),
    /// mixed with flows that bring a new network: every count stays exact.
    @Test func repeatedValuesAreCountedExactly() throws {
        var finder = PatternFinder()
        let hello = try ClientHello.parse(Wire.clientHelloBody())
        // 30 flows a minute: 24 from 10.0.1.0/24 succeed, 4 from 10.0.2.0/24 fail, and 2 from
        // a network of their own succeed.
        for index in 0..<30 {
            let network: UInt32 = index < 24 ? 1 : index < 28 ? 2 : UInt32(10 + index)
            var record = Self.flow(client: IPAddress(ipv4: 0x0A00_0000 | network << 8 | 7), seconds: 30, vlan: [])
            record.clientHello = ClientHelloRecord(
                frame: 1, timestamp: record.firstTimestamp, recordVersion: .tls10, hello: hello)
            record.outcome = network == 2 ? .reset : .established
            finder.add(record)
        }
        // Four networks and one value of each of the other ten attributes.
        #expect(finder.countsHeld == 4 + 10)
        let pattern = try #require(finder.patterns().first)
        #expect(pattern.attribute == "client_network")
        #expect(pattern.failed == 4)
        #expect(pattern.succeeded == 26)
        #expect(pattern.statement.hasPrefix("All 4 failed flows came from 10.0.2.0/24"))
    }

    /// Values that take turns at a server, and values past the cap (counted as "other") that
    /// take turns with one held: each lands in its own count.
    @Test func valuesTakingTurnsAreCountedInTheirOwnCounts() throws {
        var finder = PatternFinder()
        let hello = try ClientHello.parse(Wire.clientHelloBody())
        func add(network: UInt32, fails: Bool, second: Int64 = 30) {
            var record = Self.flow(
                client: IPAddress(ipv4: 0x0A00_0000 | network << 8 | 5), seconds: second, vlan: [])
            record.clientHello = ClientHelloRecord(
                frame: 1, timestamp: record.firstTimestamp, recordVersion: .tls10, hello: hello)
            record.outcome = fails ? .reset : .established
            finder.add(record)
        }
        // Networks 1 and 2 take turns, in two minutes that take turns too.
        for index in 0..<10 {
            add(network: index % 2 == 0 ? 1 : 2, fails: index % 2 == 1, second: Int64(index % 2) * 60)
        }
        let server = ServerAddress(ip: IPAddress(ipv4: 0x0A00_0001), port: 443)
        var networks = try #require(finder.table(server: server, .clientNetwork))
        #expect(networks.succeeded == ["10.0.1.0/24": 5])
        #expect(networks.failed == ["10.0.2.0/24": 5])
        let minutes = try #require(finder.table(server: server, .timeWindow))
        #expect(minutes.succeeded == ["0": 5] && minutes.failed == ["1": 5])
        // The cap filled (networks 3 and up), then two networks past it take turns with a
        // network held: the two count as one "other", the held one as itself.
        for network in 3...UInt32(PatternFinder.maxValuesPerAttribute) { add(network: network, fails: false) }
        for index in 0..<12 {
            add(network: index % 3 == 2 ? 1 : 1_000 + UInt32(index % 3), fails: index % 3 != 2)
        }
        networks = try #require(finder.table(server: server, .clientNetwork))
        #expect(networks.failed == ["10.0.2.0/24": 5, "other": 8])
        #expect(networks.succeeded["10.0.1.0/24"] == 5 + 4)
        #expect(networks.succeeded["other"] == nil)
        #expect(networks.succeeded.count == PatternFinder.maxValuesPerAttribute - 1)
        // Every other attribute kept one value, counted for all 10 + 254 + 12 flows.
        let groups = try #require(finder.table(server: server, .groups))
        #expect(groups.failed.values.reduce(0, +) + groups.succeeded.values.reduce(0, +) == 276)
    }

    /// Values found among a server's recent counts (two that take turns), values that push
    /// each other out of them (three in turn), and values past the cap that go to "other"
    /// and take turns with a held one, at two servers whose flows interleave: every count is
    /// exactly what the flows make it.
    @Test func recentCountsGiveWhatTheIndexGives() throws {
        var finder = PatternFinder()
        let hello = try ClientHello.parse(Wire.clientHelloBody())
        var expected: [Int: [String: (failed: Int, succeeded: Int)]] = [0: [:], 1: [:]]
        func add(server: Int, network: UInt32, fails: Bool, countedAs: String? = nil) {
            finder.add(Self.flow(network: network, host: 5, server: server, fails: fails, hello: hello))
            let name = countedAs ?? "10.\(network >> 8).\(network & 0xff).0/24"
            var count = expected[server]?[name] ?? (0, 0)
            if fails { count.failed += 1 } else { count.succeeded += 1 }
            expected[server]?[name] = count
        }
        for index in 0..<40 {
            // Two networks in turn at server 0, three at server 1.
            add(server: 0, network: UInt32(1 + index % 2), fails: index % 4 == 1)
            add(server: 1, network: UInt32(1 + index % 3), fails: index % 5 == 2)
        }
        // Server 0's cap filled, then a network past it takes turns with a held one.
        for network in 3...UInt32(PatternFinder.maxValuesPerAttribute) {
            add(server: 0, network: network, fails: false)
        }
        for index in 0..<20 {
            let past = index % 2 == 0
            add(server: 0, network: past ? 2_000 : 1, fails: past, countedAs: past ? "other" : nil)
        }
        for server in 0..<2 {
            let address = ServerAddress(ip: IPAddress(ipv4: 0xC000_0200 | UInt32(server)), port: 443)
            let networks = try #require(finder.table(server: address, .clientNetwork))
            let table = try #require(expected[server])
            #expect(networks.failed == table.compactMapValues { $0.failed > 0 ? $0.failed : nil })
            #expect(networks.succeeded == table.compactMapValues { $0.succeeded > 0 ? $0.succeeded : nil })
            // One value of the other attributes, counted for every flow of the server.
            let groups = try #require(finder.table(server: address, .groups))
            let flows = table.values.reduce(0) { $0 + $1.failed + $1.succeeded }
            #expect(groups.failed.values.reduce(0, +) + groups.succeeded.values.reduce(0, +) == flows)
        }
    }

    /// The same networks at 100 servers (more counts than the index's first table holds):
    /// each server's counts are its own.
    @Test func theSameValuesAtManyServersAreCountedPerServer() throws {
        var finder = PatternFinder()
        let hello = try ClientHello.parse(Wire.clientHelloBody())
        for server in 0..<100 {
            // At each server 3 flows succeed and 2 fail: the failing ones come from
            // 10.0.2.0/24 at 90 servers and from 10.0.1.0/24 at every tenth one.
            for index in 0..<5 {
                let fails = index >= 3
                let network: UInt32 = fails == (server % 10 != 0) ? 2 : 1
                finder.add(Self.flow(network: network, host: 9, server: server, fails: fails, hello: hello))
            }
        }
        // Two networks and one value of each of the other ten attributes, per server.
        #expect(finder.countsHeld == 100 * (2 + 10))
        let patterns = finder.patterns()
        #expect(patterns.count == 100)
        #expect(patterns.allSatisfy { $0.attribute == "client_network" && $0.failed == 2 && $0.succeeded == 3 })
        let second = patterns.filter { $0.statement.hasPrefix("All 2 failed flows came from 10.0.2.0/24") }
        let first = patterns.filter { $0.statement.hasPrefix("All 2 failed flows came from 10.0.1.0/24") }
        #expect(second.count == 90)
        #expect(first.map(\.server).sorted() == (0..<10).map { "192.0.2.\($0 * 10):443" }.sorted())
    }
}
