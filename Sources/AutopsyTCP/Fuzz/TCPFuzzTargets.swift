import AutopsyPackets

/// The body of the libFuzzer target for TCP reassembly (`Tests/Fuzz`), also replayed by the
/// test suite over `Fixtures/fuzz-seeds/tcp/`.
///
/// The input is a program of 5-byte segments over four connections between two hosts:
/// byte 0 picks the connection (bits 0-1), the direction (bit 2), the flags (bits 3-5) and
/// whether the capture cut the payload short (bit 6); bytes 1-2 are the sequence offset
/// from the direction's initial sequence number (signed); byte 3 the payload length; byte 4
/// how far the capture clock moves (tenths of a second).
public enum TCPFuzzTargets {
    /// Feeds the segments to a flow table with small limits and checks every bound after
    /// every segment and what the handlers saw. Returns the invariants broken (none, whatever the bytes).
    public static func reassemble(_ data: [UInt8]) -> [String] {
        var limits = Limits()
        limits.maxFlows = 3
        limits.outOfOrderBytesPerDirection = 2_000
        limits.outOfOrderBytesAfterDecision = 500
        limits.outOfOrderBytesTotal = 5_000
        limits.idleTimeoutNanoseconds = 20 * 1_000_000_000
        limits.pendingDataAgeNanoseconds = 5 * 1_000_000_000
        var table = FlowTable<CountingHandler>(limits: limits) { CountingHandler(start: $0) }
        var finished: [CountingHandler] = []
        var violations: [String] = []
        var clock = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)
        let flagChoices: [TCPFlags] = [
            [.syn], [.syn, .ack], [.ack], [.ack, .psh], [.fin, .ack], [.rst], [.ack], [.psh],
        ]
        let payloadBytes = [UInt8](repeating: 0x16, count: 255)
        var offset = 0
        var frame: UInt64 = 0
        while offset + 5 <= data.count, violations.isEmpty {
            let control = data[offset]
            let connection = Int(control & 0x03)
            let fromClient = control & 0x04 == 0
            let flags = flagChoices[Int(control >> 3) & 0x07]
            let relative = Int32(Int16(bitPattern: UInt16(data[offset + 1]) << 8 | UInt16(data[offset + 2])))
            let length = Int(data[offset + 3])
            let step = Int64(data[offset + 4]) * 100_000_000
            offset += 5
            frame += 1
            let client = IPAddress(ipv4: 0x0a00_0001)
            let server = IPAddress(ipv4: 0x0a00_0002)
            let clientPort = UInt16(40_000 + connection)
            let isn: UInt32 = fromClient ? 1_000 &* UInt32(connection + 1) : 4_294_900_000
            let segment = TCPSegment(
                source: fromClient ? client : server, destination: fromClient ? server : client,
                sourcePort: fromClient ? clientPort : 443, destinationPort: fromClient ? 443 : clientPort,
                sequence: isn &+ UInt32(bitPattern: relative), acknowledgment: 0, flags: flags, window: 65_535,
                ttl: 64, ipID: nil, vlan: VLANTags(), payloadOffset: 0, payloadLength: length,
                payloadLengthOnWire: control & 0x40 != 0 ? length + 100 : length)
            let packet = PacketInfo(frame: frame, timestamp: clock, ttl: 64, ipID: nil, flags: flags)
            table.ingest(segment, payload: payloadBytes.span.extracting(0..<length), packet: packet) { handler, _, _ in
                finished.append(handler)
            }
            clock = clock.adding(nanoseconds: step)
            violations += boundsBroken(table, limits)
        }
        table.finishAll { handler, _, _ in finished.append(handler) }
        if table.trackedFlows != 0 || table.bufferedBytes != 0 {
            violations.append("after finishAll: \(table.trackedFlows) flows, \(table.bufferedBytes) bytes buffered")
        }
        if table.counters.flowsCreated != finished.count {
            violations.append("\(table.counters.flowsCreated) flows created, \(finished.count) finished")
        }
        for handler in finished { violations += handler.violations }
        return violations
    }

    static func boundsBroken(_ table: FlowTable<CountingHandler>, _ limits: Limits) -> [String] {
        var broken: [String] = []
        if table.bufferedBytes < 0 || table.bufferedBytes > limits.outOfOrderBytesTotal {
            broken.append("\(table.bufferedBytes) bytes buffered")
        }
        if table.trackedFlows > limits.maxFlows { broken.append("\(table.trackedFlows) flows tracked") }
        if table.tombstoneCount > limits.maxFlows { broken.append("\(table.tombstoneCount) tombstones") }
        return broken
    }
}

/// Counts what a flow's handler is given and notes what it should never be given.
struct CountingHandler: StreamHandler {
    var start: FlowStart
    var delivered: [UInt64] = [0, 0]
    var closedDirections: [Bool] = [false, false]
    var violations: [String] = []
    var isDecided: Bool { delivered[0] + delivered[1] > 600 }

    init(start: FlowStart) {
        self.start = start
    }

    mutating func segment(from direction: StreamDirection, packet: PacketInfo, payloadLength: Int, retransmission: Bool)
    {
        if payloadLength < 0 { violations.append("segment of \(payloadLength) bytes") }
    }

    mutating func data(_ bytes: Span<UInt8>, from direction: StreamDirection, packet: PacketInfo) {
        let side = Int(direction.rawValue & 1)
        if closedDirections[side] { violations.append("data after the FIN of that direction") }
        if bytes.isEmpty { violations.append("an empty data delivery") }
        delivered[side] &+= UInt64(bytes.count)
    }

    mutating func gap(from direction: StreamDirection, missingBytes: UInt64, packet: PacketInfo) {
        let side = Int(direction.rawValue & 1)
        if closedDirections[side] { violations.append("a gap after the FIN of that direction") }
        if missingBytes == 0 { violations.append("a gap of 0 bytes") }
    }

    mutating func closed(from direction: StreamDirection, reset: Bool, packet: PacketInfo) {
        closedDirections[Int(direction.rawValue & 1)] = true
    }
}
