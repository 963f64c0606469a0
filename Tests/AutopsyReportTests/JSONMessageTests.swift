import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import Testing

@testable import AutopsyReport

/// `JSONWriter.message` writes a `messages` element at once: the same bytes as the element
/// written piece by piece, for every frame, time, side, type and length.
@Suite struct JSONMessageTests {
    struct Message {
        var frame: UInt64
        var time: Timestamp
        var fromClient: Bool
        var type: String
        var length: Int
    }

    /// The element as `element`, `rawInt`, `raw`, `rawTime`, `rawString` write it.
    static func pieceByPiece(_ message: Message, into json: inout JSONWriter) {
        json.element("{\"frame\":")
        json.rawInt(message.frame)
        json.raw(",\"ts\":")
        json.rawTime(message.time)
        json.raw(message.fromClient ? ",\"from\":\"client\",\"type\":" : ",\"from\":\"server\",\"type\":")
        json.rawString(message.type)
        json.raw(",\"length\":", message.length)
        json.raw("}")
    }

    static func array(_ messages: [Message], fused: Bool) -> String {
        var json = JSONWriter()
        json.beginArray()
        for message in messages {
            if fused {
                json.message(
                    frame: message.frame, time: message.time, fromClient: message.fromClient, type: message.type,
                    length: message.length)
            } else {
                pieceByPiece(message, into: &json)
            }
        }
        json.endArray()
        return json.text
    }

    @Test func sameBytesAsPieceByPiece() {
        let second = Timestamp(seconds: 1_704_067_200, nanoseconds: 1_974_000)
        let messages = [
            Message(frame: 1, time: second, fromClient: true, type: "client_hello", length: 212),
            // The same time again (the writer's cached text), then the same second.
            Message(frame: 0, time: second, fromClient: false, type: "server_hello", length: 0),
            Message(
                frame: 117, time: Timestamp(seconds: 1_704_067_200, nanoseconds: 6_188_000), fromClient: false,
                type: "certificate", length: 2_791),
            // The widest values, a negative length, a type that needs escapes, an old time.
            Message(
                frame: UInt64.max, time: Timestamp(seconds: 0, nanoseconds: 999_999_999), fromClient: true,
                type: "a \"quoted\"\\type\n", length: Int.min),
            Message(
                frame: 10, time: Timestamp(seconds: -1, nanoseconds: 0), fromClient: false, type: "", length: Int.max),
        ]
        let fused = Self.array(messages, fused: true)
        #expect(fused == Self.array(messages, fused: false))
        #expect(fused.hasPrefix("[{\"frame\":1,\"ts\":\"2024-01-01T00:00:00.001974Z\",\"from\":\"client\""))
        #expect(fused.contains("\"type\":\"a \\\"quoted\\\"\\\\type\\n\",\"length\":-9223372036854775808}"))
    }

    /// Many elements: the reserved room grows with the writer.
    @Test func manyElementsPastTheFirstBuffer() {
        var messages: [Message] = []
        for index in 0..<500 {
            let time = Timestamp(seconds: Int64(index), nanoseconds: UInt32(index) * 1_000)
            let type = String(repeating: "t", count: index % 40)
            messages.append(
                Message(frame: UInt64(index), time: time, fromClient: index % 2 == 0, type: type, length: index * 7))
        }
        #expect(Self.array(messages, fused: true) == Self.array(messages, fused: false))
    }

    /// Every kind of step there is: the element written from the kind (its name copied
    /// without an escape check) is the element written piece by piece from its name, which
    /// `rawString` escapes where needed; so no name needs an escape.
    @Test func everyStepKindAsItsName() {
        var kinds: [StepKind] = [
            .changeCipherSpec, .alert, .encryptedAlert, .encryptedHandshake, .encryptedRecord,
            .encryptedAlertSizedRecord, .applicationData, .sslv2Encrypted, .clientMasterKey,
        ]
        for value in UInt8.min...UInt8.max {
            kinds += [.handshake(HandshakeType(rawValue: value)), .sslv2Message(value), .record(value)]
        }
        var fused = JSONWriter()
        var pieces = JSONWriter()
        let time = Timestamp(seconds: 1_704_067_200, nanoseconds: 10_138_000)
        for (index, kind) in kinds.enumerated() {
            fused.message(frame: UInt64(index), time: time, fromClient: index % 3 == 0, kind: kind, length: index)
            let message = Message(
                frame: UInt64(index), time: time, fromClient: index % 3 == 0, type: kind.name, length: index)
            Self.pieceByPiece(message, into: &pieces)
        }
        #expect(fused.text == pieces.text)
        #expect(Set(kinds.map(\.name)).count == kinds.count)
        // Lower-case letters, digits and underscores only, as `StepKind` promises.
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_".utf8)
        #expect(kinds.allSatisfy { !$0.name.isEmpty && $0.name.utf8.allSatisfy(allowed.contains) })
        #expect(StepKind.handshake(.clientHello).name == "client_hello")
        #expect(StepKind.handshake(HandshakeType(rawValue: 99)).name == "handshake_99")
        #expect(StepKind.record(99).name == "record_99")
        #expect(StepKind.sslv2Message(7).name == "sslv2_message_7")
        #expect(StepKind.encryptedAlertSizedRecord.name == "encrypted_alert_sized_record")
    }
}

/// The `tcp` member: every combination of the five flags, with counts of any width.
@Suite struct JSONTCPMemberTests {
    @Test(arguments: 0..<32)
    func flagsAndCounts(_ flags: Int) {
        var facts = TCPFacts()
        facts.syn = flags & 1 != 0
        facts.clientRST = flags & 2 != 0
        facts.serverRST = flags & 4 != 0
        facts.clientFIN = flags & 8 != 0
        facts.serverFIN = flags & 16 != 0
        facts.gaps = flags * 1_001
        facts.retransmissions = Int.max - flags
        var json = JSONWriter()
        json.beginObject()
        FlowJSON.tcp(&json, facts)
        json.endObject()
        var expected = JSONWriter()
        expected.beginObject()
        expected.beginObject("tcp")
        expected.bool("syn", facts.syn)
        expected.bool("client_rst", facts.clientRST)
        expected.bool("server_rst", facts.serverRST)
        expected.bool("client_fin", facts.clientFIN)
        expected.bool("server_fin", facts.serverFIN)
        expected.int("gaps", facts.gaps)
        expected.int("retransmissions", facts.retransmissions)
        expected.endObject()
        expected.endObject()
        #expect(json.text == expected.text)
    }
}
