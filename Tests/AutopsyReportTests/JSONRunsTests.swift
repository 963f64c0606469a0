import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import AutopsyTestSupport
import Testing

@testable import AutopsyReport

/// A line in runs (its own bytes, and runs shared with other lines held by reference) reads
/// as the one text it stands for, however it is split; a writer that notes shared runs
/// writes the same text as one that copies them.
@Suite struct JSONRunsTests {
    static func text(_ runs: JSONRuns) -> String { String(decoding: runs.bytes, as: UTF8.self) }

    static func runs(_ own: String, _ shared: [(Int, String)]) -> JSONRuns {
        JSONRuns(own: Array(own.utf8), shared: shared.map { JSONRuns.Shared(offset: $0.0, bytes: Array($0.1.utf8)) })
    }

    @Test(arguments: [
        ("abc", [(0, "X")], "Xabc"),
        ("abc", [(1, "X")], "aXbc"),
        ("abc", [(3, "X")], "abcX"),
        ("abc", [(1, "X"), (1, "Y")], "aXYbc"),
        ("abc", [(0, "X"), (3, "Y")], "XabcY"),
        ("", [(0, "X"), (0, "Y")], "XY"),
        ("abc", [(1, "")], "abc"),
        ("abc", [], "abc"),
        // Out of range or out of order (never written so): at the end, after the runs before.
        ("abc", [(9, "X")], "abcX"),
        ("abc", [(2, "X"), (1, "Y")], "abXYc"),
        ("abc", [(-4, "X")], "Xabc"),
    ])
    func runsReadInOrder(_ own: String, _ shared: [(Int, String)], _ expected: String) {
        let runs = Self.runs(own, shared)
        #expect(Self.text(runs) == expected)
        #expect(runs.count == expected.utf8.count)
        var pieces = 0
        runs.forEachRun { piece in
            #expect(!piece.isEmpty)
            pieces += 1
        }
        #expect(pieces <= 2 * shared.count + 1)
        // The same runs as arrays and ranges: own parts from `own`, shared runs whole.
        var joined: [UInt8] = []
        var ownBytes = 0
        runs.forEachPiece { array, range, isOwn in
            #expect(!range.isEmpty)
            #expect(isOwn ? array == runs.own : range == 0..<array.count)
            if isOwn { ownBytes += range.count }
            joined += array[range]
        }
        #expect(String(decoding: joined, as: UTF8.self) == expected)
        #expect(ownBytes == own.utf8.count)
    }

    @Test func equalityIsTheTextsWhateverTheSplit() {
        let whole = JSONRuns(own: Array("aXbc".utf8))
        let split = Self.runs("abc", [(1, "X")])
        #expect(whole == split)
        #expect(whole.hashValue == split.hashValue)
        #expect(Self.runs("abc", [(2, "X")]) != split)
    }

    /// The same calls, on a writer that notes shared runs and on one that copies them.
    static func write(_ json: inout JSONWriter, shared: JSONRuns) {
        json.beginObject()
        json.int("a", 1)
        json.members(Array("\"lists\":[1,2]".utf8))
        json.beginArray("certificates")
        json.object(Array("{\"c\":1}".utf8))
        json.object(Array("{\"c\":2}".utf8))
        json.endArray()
        json.members([])
        json.members(shared)
        json.string("z", "end")
        json.endObject()
    }

    @Test func aWriterNotingSharedRunsWritesTheSameText() {
        let inner = Self.runs("\"b\":2,\"d\":4", [(6, "\"c\":3,")])
        var copying = JSONWriter()
        Self.write(&copying, shared: inner)
        var noting = JSONWriter()
        noting.notesSharedRuns = true
        Self.write(&noting, shared: inner)
        let expected =
            "{\"a\":1,\"lists\":[1,2],\"certificates\":[{\"c\":1},{\"c\":2}],\"b\":2,\"c\":3,\"d\":4,\"z\":\"end\"}"
        #expect(copying.text == expected)
        #expect(copying.runs.shared.isEmpty)
        #expect(Self.text(noting.runs) == expected)
        // Only the writer's own bytes were copied: the four shared runs are held, not written.
        #expect(noting.runs.shared.count == 4)
        #expect(noting.text.count == expected.count - "\"lists\":[1,2]{\"c\":1}{\"c\":2}\"c\":3,".count)
        // Spliced into a writer that copies, the runs come out whole.
        var line = JSONWriter()
        line.object(noting.runs)
        #expect(line.text == expected)
        noting.removeAll()
        #expect(noting.runs.shared.isEmpty)
        #expect(noting.runs.own.isEmpty)
    }

    /// Runs with offsets out of range or out of order (never written so, but a `JSONRuns` is
    /// public) splice into a noting writer as they read on their own.
    @Test func oddOffsetsSpliceAsTheyRead() {
        let odd = Self.runs("abc", [(9, "X"), (-2, "Y"), (2, "Z"), (1, "W")])
        var noting = JSONWriter(notingSharedRuns: true)
        noting.beginArray()
        noting.object(odd)
        noting.endArray()
        #expect(Self.text(noting.runs) == "[" + Self.text(odd) + "]")
        var copying = JSONWriter()
        copying.beginArray()
        copying.object(odd)
        copying.endArray()
        #expect(copying.text == Self.text(noting.runs))
    }

    /// A record's line rendered ahead (its hello lists and certificates shared with the
    /// fragments' cache) is the line rendered directly, and holds the lists by reference.
    @Test func aRenderedLineIsTheDirectLine() throws {
        var record = FlowRecord(
            sequence: 1, firstTimestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: 5_000), firstFrame: 1,
            client: Endpoint(ip: IPAddress(ipv4: 0x0A00_0001), port: 40_000),
            server: Endpoint(ip: IPAddress(ipv4: 0x0A00_0002), port: 443), vlan: [])
        record.clientHello = ClientHelloRecord(
            frame: 4, timestamp: record.firstTimestamp, recordVersion: .tls10,
            hello: try ClientHello.parse(Wire.clientHelloBody()))
        let direct = FlowJSON.line(record)
        let fragments = JSONFragments()
        var rendered = record
        rendered.renderedJSON = fragments.render(record)
        #expect(rendered.renderedJSON?.head.shared.isEmpty == false)
        #expect(FlowJSON.line(rendered) == direct)
        var writer = JSONWriter()
        writer.notesSharedRuns = true
        FlowJSON.write(rendered, to: &writer)
        #expect(Self.text(writer.runs) == direct)
        #expect(writer.runs.count > writer.text.utf8.count)
    }
}
