import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import AutopsyTestSupport
import Testing

@testable import AutopsyDiagnosis

/// The pattern finder judges a server's attributes on its counts as numbers and spells
/// only the attribute it states. Checked against the plain reading: every flow's value of
/// every attribute as text, counted, and the best split taken from those tables.
@Suite struct PatternChoiceTests {
    /// A small deterministic generator (a 64-bit LCG), so that a failure can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let hellos: [ClientHello] = {
        let bodies = [
            Wire.clientHelloBody(),
            Wire.clientHelloBody(sni: "", alpn: ["h2"]),
            Wire.clientHelloBody(sni: "b.example", alpn: []),
        ]
        return bodies.compactMap { try? ClientHello.parse($0) }
    }()

    /// The best attribute the way the text tables give it: flows whose value only failures
    /// had plus flows whose value only successes had; minutes, JA4s and groups only when
    /// failures had at most three values; 90 % of the flows at least; ties to the first.
    static func expectedAttribute(_ flows: [FlowRecord]) -> PatternFinder.Attribute? {
        var bestScore = 0
        var best: PatternFinder.Attribute?
        for attribute in PatternFinder.Attribute.allCases {
            var failed: [String: Int] = [:]
            var succeeded: [String: Int] = [:]
            for flow in flows {
                let value = PatternFinder.value(attribute, of: flow)
                if flow.didFail { failed[value, default: 0] += 1 } else { succeeded[value, default: 0] += 1 }
            }
            let score =
                failed.filter { succeeded[$0.key] == nil }.values.reduce(0, +)
                + succeeded.filter { failed[$0.key] == nil }.values.reduce(0, +)
            if attribute == .serverCertificate && (failed["not seen"] != nil || succeeded["not seen"] != nil) {
                continue
            }
            if [.timeWindow, .ja4, .groups].contains(attribute) && failed.count > 3 { continue }
            if score > bestScore {
                bestScore = score
                best = attribute
            }
        }
        return bestScore * 10 >= flows.count * 9 ? best : nil
    }

    @Test func theChosenAttributeIsTheTextTablesOwn() {
        #expect(Self.hellos.count == 3)
        // Each flow's counts are found for exactly this many attributes at once.
        #expect(PatternFinder.Attribute.allCases.count == 11)
        var generator = Generator(state: 0x5EED)
        var stated = 0
        for _ in 0..<300 {
            var finder = PatternFinder()
            var flows: [FlowRecord] = []
            // Failures follow one attribute, or fall at random.
            let rule = generator.next(5)
            for index in 0..<(2 + generator.next(30)) {
                let network = UInt32(generator.next(4))
                let helloIndex = generator.next(Self.hellos.count)
                let minute = Int64(generator.next(3))
                let vlan = generator.next(3)
                var record = FlowRecord(
                    sequence: UInt64(index),
                    firstTimestamp: Timestamp(seconds: 1_700_000_000 + minute * 60, nanoseconds: 0),
                    firstFrame: 1,
                    client: Endpoint(ip: IPAddress(ipv4: 0x0A00_0005 | network << 8), port: 40_000),
                    server: Endpoint(ip: IPAddress(ipv4: 0x0A63_0001), port: 443), vlan: vlan == 0 ? [] : [vlan])
                record.clientHello = ClientHelloRecord(
                    frame: 1, timestamp: record.firstTimestamp, recordVersion: .tls12, hello: Self.hellos[helloIndex])
                let fails: Bool
                switch rule {
                case 0: fails = network == 1
                case 1: fails = helloIndex == 2
                case 2: fails = vlan == 1
                case 3: fails = minute == 2
                default: fails = generator.next(2) == 0
                }
                record.outcome = fails ? .failed : .established
                flows.append(record)
                finder.add(record)
            }
            let patterns = finder.patterns()
            let failed = flows.filter(\.didFail).count
            guard failed > 0 && failed < flows.count else {
                #expect(patterns.isEmpty)
                continue
            }
            let expected = Self.expectedAttribute(flows)
            #expect(patterns.count == (expected == nil ? 0 : 1))
            guard let expected, let pattern = patterns.first else { continue }
            stated += 1
            let names = expected == .timeWindow ? ["time_window", "server_overload"] : [expected.rawValue]
            #expect(names.contains(pattern.attribute), "\(flows.count) flows, rule \(rule)")
            #expect(pattern.failed == failed && pattern.succeeded == flows.count - failed)
        }
        // The generator makes both kinds of server.
        #expect(stated > 100)
    }
}
