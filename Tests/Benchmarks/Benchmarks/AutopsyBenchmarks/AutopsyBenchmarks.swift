import AutopsyEngine
import AutopsyPackets
import AutopsyTCP
import AutopsyTLS
import Benchmark
import Foundation

// Micro-benchmarks of the hot paths. Names are plain identifiers: the plugin's threshold
// files are named after them, and names with spaces are written and read under different names.
// EngineDemoCapture is the demo capture (10 flows, 126 packets); X1000 benchmarks run 1000
// segments (or pairs) per sample. Inputs come from the repository's fixtures (real
// handshakes), found from this file's path. Thresholds live in ../../Thresholds/.

/// The repository root: four levels above this file.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

func fixture(_ relativePath: String) -> [UInt8] {
    let url = repositoryRoot.appendingPathComponent(relativePath)
    guard let data = FileManager.default.contents(atPath: url.path) else {
        fatalError("benchmark input missing: \(url.path) (run from a checkout of tlsautopsy)")
    }
    return [UInt8](data)
}

/// A stream handler that only counts what it is given: the table's own cost.
struct CountingSink: StreamHandler {
    var decided: Bool
    var bytes = 0
    var isDecided: Bool { decided }

    mutating func segment(from direction: StreamDirection, packet: PacketInfo, payloadLength: Int, retransmission: Bool)
    {}
    mutating func data(_ bytes: Span<UInt8>, from direction: StreamDirection, packet: PacketInfo) {
        self.bytes &+= bytes.count
    }
    mutating func gap(from direction: StreamDirection, missingBytes: UInt64, packet: PacketInfo) {}
    mutating func closed(from direction: StreamDirection, reset: Bool, packet: PacketInfo) {}
}

/// One long TCP connection in a flow table, past its handshake, that segments are added to.
final class OpenFlow {
    var table: FlowTable<CountingSink>
    let payload = [UInt8](repeating: 0x17, count: 1_400)
    let client = IPAddress(ipv4: 0xc612_0001)
    let server = IPAddress(ipv4: 0xc613_0001)
    var clientSequence: UInt32 = 1_001
    var frame: UInt64 = 0
    var nanoseconds: Int64 = 0

    init(decided: Bool) {
        table = FlowTable(limits: Limits()) { _ in CountingSink(decided: decided) }
        send(fromClient: true, sequence: 1_000, flags: [.syn], length: 0)
        send(fromClient: false, sequence: 50_000, flags: [.syn, .ack], length: 0)
        send(fromClient: true, sequence: 1_001, flags: [.ack], length: 0)
    }

    func send(fromClient: Bool, sequence: UInt32, flags: TCPFlags, length: Int) {
        frame &+= 1
        nanoseconds &+= 1_000
        let segment = TCPSegment(
            source: fromClient ? client : server, destination: fromClient ? server : client,
            sourcePort: fromClient ? 40_000 : 443, destinationPort: fromClient ? 443 : 40_000, sequence: sequence,
            acknowledgment: 0, flags: flags, window: 65_535, ttl: 64, ipID: nil, vlan: VLANTags(),
            payloadOffset: 0, payloadLength: length, payloadLengthOnWire: length)
        let packet = PacketInfo(
            frame: frame,
            timestamp: Timestamp(
                seconds: 1_700_000_000 + nanoseconds / 1_000_000_000,
                nanoseconds: UInt32(nanoseconds % 1_000_000_000)),
            ttl: 64, ipID: nil, flags: flags)
        let bytes = payload  // a local, so that its span lives for the call
        table.ingest(segment, payload: bytes.span.extracting(0..<length), packet: packet) { _, _, _ in }
    }

    /// The next client segment in order.
    func inOrder() {
        send(fromClient: true, sequence: clientSequence, flags: [.ack, .psh], length: payload.count)
        clientSequence &+= UInt32(payload.count)
    }

    /// The next two client segments, the second first (it is buffered, then both delivered).
    func swappedPair() {
        let length = UInt32(payload.count)
        send(fromClient: true, sequence: clientSequence &+ length, flags: [.ack, .psh], length: payload.count)
        send(fromClient: true, sequence: clientSequence, flags: [.ack, .psh], length: payload.count)
        clientSequence &+= 2 * length
    }
}

let benchmarks: @Sendable () -> Void = {
    // Malloc counts are exact and held strictly. Wall clock only fails at 10 times the recorded
    // p90 (an accidentally quadratic path, say): on this shared 2-core VM one build measured
    // the certificate message parse at a p90 of 291 to 641 ns, minutes apart (16:05 on
    // 2026-12-06), and the build the thresholds were recorded from (0987ce1, 271 ns) measured
    // 841 ns, its fastest sample 631 ns (23:57): 3.1 times the record with the same code. Wall
    // time is `make bench`'s to judge, with the tool and the libpcap loop alternated.
    let wallClockTolerance = BenchmarkThresholds(relative: [.p90: 900.0])
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal], warmupIterations: 10, maxDuration: .seconds(3),
        thresholds: [.mallocCountTotal: .strict, .wallClock: wallClockTolerance])

    let clientHello = fixture("Fixtures/fuzz-seeds/client-hello/demo-dir0-msg0-type1")
    Benchmark("ClientHelloParse") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? ClientHello.parse(clientHello))
        }
    }

    let certificate = fixture("Fixtures/fuzz-seeds/certificate/demo-dir3-msg1-type11")
    Benchmark("CertificateMessageParse") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? CertificateMessage.parse(certificate, tls13: false))
        }
    }

    // 1000 segments per sample, so that the malloc count reads per 1000 segments; a decided
    // flow is what most packets of a capture belong to.
    for decided in [true, false] {
        let name = "ReassemblyInOrder\(decided ? "Decided" : "Undecided")X1000"
        Benchmark(name, configuration: .init(scalingFactor: .kilo)) { benchmark in
            let flow = OpenFlow(decided: decided)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { flow.inOrder() }
            benchmark.stopMeasurement()
            blackHole(flow.table.counters.segments)
        }
    }

    Benchmark("ReassemblySwappedPairsX1000", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let flow = OpenFlow(decided: false)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { flow.swappedPair() }
        benchmark.stopMeasurement()
        blackHole(flow.table.counters.outOfOrderSegmentsBuffered)
    }

    let demo = repositoryRoot.appendingPathComponent("Fixtures/captures/demo/demo.pcap").path
    // The whole engine's malloc count varies by one or two from run to run (the certificate
    // check runs as a task on a thread of its own): 1 % either way.
    let engine = Benchmark.Configuration(
        thresholds: [
            .mallocCountTotal: BenchmarkThresholds(relative: [.p90: 1.0]),
            .wallClock: wallClockTolerance,
        ])
    Benchmark("EngineDemoCapture", configuration: engine) { benchmark in
        for _ in benchmark.scaledIterations {
            var options = AnalysisOptions()
            options.systemTrust = false
            let analyzer = Analyzer(options: options)
            var flows = 0
            try? analyzer.analyze(path: demo) { _ in flows += 1 }
            blackHole(flows)
        }
    }
}
