import AutopsyEngine
import AutopsyFlow
import AutopsyTestSupport
import Foundation
import Testing

/// The meaning of each capture, asserted apart from the golden files: per flow, the
/// outcome and the diagnosis ids that `Fixtures/manifest.json` says the wire supports
/// (must ⊆ given ⊆ must ∪ also acceptable). Re-recording goldens cannot change this.
@Suite struct ManifestTests {
    struct Flow: Decodable, Sendable {
        struct Endpoint: Decodable, Sendable {
            var ip: String
            var port: Int
        }
        var index: Int
        var client: Endpoint
        var server: Endpoint
        var outcome: String
        var outcomeAlternatives: [String]?
        var diagnoses: [String]
        var diagnosesAlsoAcceptable: [String]?

        enum CodingKeys: String, CodingKey {
            case index, client, server, outcome, diagnoses
            case outcomeAlternatives = "outcome_alternatives"
            case diagnosesAlsoAcceptable = "diagnoses_also_acceptable"
        }
    }

    struct Capture: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var flows: [Flow]
        var testDescription: String { file }
    }

    struct Manifest: Decodable {
        var captures: [Capture]
    }

    static let captures: [Capture] = {
        let url = TestPaths.fixtures.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url), let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { return [] }
        return manifest.captures
    }()

    @Test func theManifestIsThere() {
        #expect(Self.captures.count >= 40)
        #expect(Self.captures.map(\.flows.count).reduce(0, +) >= 100)
    }

    @Test(arguments: captures)
    func everyFlowEndsAndIsDiagnosedAsTheManifestSays(_ capture: Capture) throws {
        let options = GoldenOptions.analysis
        let analyzer = Analyzer(options: options)
        var records: [FlowRecord] = []
        try analyzer.analyze(path: TestPaths.fixtures.appendingPathComponent("captures/\(capture.file)").path) {
            records.append($0)
        }
        for flow in capture.flows {
            let record = records.first {
                Int($0.client.port) == flow.client.port && Int($0.server.port) == flow.server.port
                    && $0.client.ip.description == flow.client.ip
            }
            guard let record else {
                Issue.record("\(capture.file) flow \(flow.index): not reported")
                continue
            }
            let outcomes = [flow.outcome] + (flow.outcomeAlternatives ?? [])
            #expect(outcomes.contains(record.outcome.rawValue), "\(capture.file) flow \(flow.index)")
            let given = Set(record.diagnoses.map(\.id))
            let must = Set(flow.diagnoses)
            let allowed = must.union(flow.diagnosesAlsoAcceptable ?? [])
            #expect(
                must.isSubset(of: given),
                "\(capture.file) flow \(flow.index): given \(given.sorted()), must \(must.sorted())")
            #expect(
                given.isSubset(of: allowed),
                "\(capture.file) flow \(flow.index): given \(given.sorted()), allowed \(allowed.sorted())")
        }
    }
}
