import AutopsyFlow
import AutopsyPackets
import Glibc
import Testing

@testable import tlsautopsy

/// The output stream writes exactly the bytes it was given, in order, however a line's runs
/// are split, kept by reference or copied, and however the descriptor takes them: whole,
/// a few bytes at a time, interrupted, or not at all.
@Suite struct OutputStreamTests {
    /// A line of `own` bytes with `shared` runs at their offsets.
    static func record(_ own: [UInt8], _ shared: [(Int, [UInt8])]) -> FlowRecord {
        var record = FlowRecord(
            sequence: 0, firstTimestamp: .zero, firstFrame: 0, client: Endpoint(ip: IPAddress(ipv4: 0), port: 0),
            server: Endpoint(ip: IPAddress(ipv4: 0), port: 0), vlan: [])
        record.renderedJSON = RenderedJSON(
            line: JSONRuns(own: own, shared: shared.map { JSONRuns.Shared(offset: $0.0, bytes: $0.1) }))
        return record
    }

    /// Bytes of a given length, all of one letter, different from line to line.
    static func bytes(_ count: Int, _ seed: Int) -> [UInt8] {
        [UInt8](repeating: UInt8(ascii: "a") + UInt8(seed % 26), count: count)
    }

    /// Writes a mix of lines (runs from 1 byte to 40 KB, shared runs below and above the
    /// threshold, a shared array used by many lines) and text, through `writer`; returns what
    /// should have been written.
    static func writeMix(_ stream: OutputStream) -> [UInt8] {
        var expected: [UInt8] = []
        let common = bytes(700, 3)
        var state: UInt64 = 0x2545_f491_4f6c_dd1d
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33) % bound
        }
        for line in 0..<3_000 {
            let sizes = [1, 100, 255, 256, 900, 3_000, 40_000]
            let own = bytes(sizes[next(line % 50 == 0 ? sizes.count : sizes.count - 1)], line)
            var shared: [(Int, [UInt8])] = []
            for _ in 0..<next(4) {
                let run = next(3) == 0 ? common : bytes(sizes[next(5)], line + 7)
                shared.append((min(own.count, next(own.count + 1)), run))
            }
            shared.sort { $0.0 < $1.0 }
            let runs = JSONRuns(own: own, shared: shared.map { JSONRuns.Shared(offset: $0.0, bytes: $0.1) })
            stream.writeFlow(record(own, shared))
            expected += runs.bytes + [UInt8(ascii: "\n")]
            if line % 97 == 0 {
                stream.write("text \(line)\n")
                expected += Array("text \(line)\n".utf8)
            }
        }
        stream.flush()
        return expected
    }

    /// Where two byte strings first differ (nil when equal): a short message, not megabytes.
    static func firstDifference(_ written: [UInt8], _ expected: [UInt8]) -> String? {
        guard written != expected else { return nil }
        let shorter = min(written.count, expected.count)
        let index = (0..<shorter).first { written[$0] != expected[$0] } ?? shorter
        return "\(written.count) bytes written, \(expected.count) expected; first difference at \(index)"
    }

    /// Collects what the stream writes, taking at most `most` bytes a call.
    final class Sink {
        var written: [UInt8] = []
        var calls = 0
        let most: Int
        var interruptEvery = 0
        init(most: Int) { self.most = most }

        func write(_ vectors: UnsafePointer<iovec>, _ count: Int32) -> Int {
            calls += 1
            if interruptEvery > 0 && calls % interruptEvery == 0 {
                errno = EINTR
                return -1
            }
            var taken = 0
            for index in 0..<Int(count) {
                let vector = vectors[index]
                let part = min(vector.iov_len, most - taken)
                if part > 0, let base = vector.iov_base {
                    written += UnsafeRawBufferPointer(start: base, count: part)
                }
                taken += part
                if taken == most { break }
            }
            return taken
        }
    }

    @Test(arguments: [Int.max, 4_096, 1_000, 7])
    func writesEveryByteInOrder(most: Int) {
        let sink = Sink(most: most)
        let stream = OutputStream { sink.write($0, $1) }
        let expected = Self.writeMix(stream)
        #expect(Self.firstDifference(sink.written, expected) == nil)
    }

    /// One line with more runs kept by reference than one gathering holds: written out in
    /// the middle of the line, its own bytes are kept again, not taken for another array.
    @Test func aLineLongerThanOneGatheringKeepsItsOwnBytes() {
        let sink = Sink(most: Int.max)
        let stream = OutputStream { sink.write($0, $1) }
        let own = (0..<300 * 700).map { UInt8(ascii: "a") + UInt8($0 / 300 % 26) }
        // Two runs between each two parts of the own bytes: a gathering fills up at a shared run.
        let shared = (1..<700).flatMap { [(300 * $0, Self.bytes(300, $0 + 5)), (300 * $0, Self.bytes(400, $0 + 9))] }
        let line = JSONRuns(own: own, shared: shared.map { JSONRuns.Shared(offset: $0.0, bytes: $0.1) })
        stream.writeFlow(Self.record(own, shared))
        stream.flush()
        #expect(Self.firstDifference(sink.written, line.bytes + [UInt8(ascii: "\n")]) == nil)
        #expect(sink.calls > 2)
    }

    @Test func anInterruptedWriteIsResumed() {
        let sink = Sink(most: 10_000)
        sink.interruptEvery = 3
        let stream = OutputStream { sink.write($0, $1) }
        let expected = Self.writeMix(stream)
        #expect(Self.firstDifference(sink.written, expected) == nil)
    }

    /// A descriptor that takes nothing (a closed pipe): the stream gives up on each write,
    /// does not loop, and goes on taking lines.
    @Test func aFailingDescriptorIsGivenUpOn() {
        var calls = 0
        let stream = OutputStream { _, _ in
            calls += 1
            errno = EPIPE
            return -1
        }
        _ = Self.writeMix(stream)
        #expect(calls > 0)
        #expect(calls < 10_000)
    }

    /// The real descriptor: a pipe, read back whole.
    @Test func writesToADescriptor() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let stream = OutputStream(descriptor: ends[1])
        let own = Self.bytes(5_000, 1)
        let shared = Self.bytes(300, 2)
        stream.writeFlow(Self.record(own, [(10, shared)]))
        stream.write("end\n")
        stream.flush()
        close(ends[1])
        var read: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(ends[0], $0.baseAddress, $0.count) }
            if got <= 0 { break }
            read += buffer[0..<got]
        }
        close(ends[0])
        #expect(read == Array(own[0..<10]) + shared + Array(own[10...]) + Array("\nend\n".utf8))
    }
}
