import AutopsyFlow
import AutopsyPackets
import AutopsyTCP
import AutopsyTLS
import AutopsyTestSupport
import Testing

/// Drives a FlowSession the way the flow table does, from a script of (direction, bytes) steps.
struct Conversation {
    enum Step {
        case data(StreamDirection, [UInt8])
        case fin(StreamDirection)
        case rst(StreamDirection)
        case gap(StreamDirection, UInt64)
    }

    var steps: [Step]
    var syn = true

    static let client = IPAddress(ipv4: 0x0a00_0001)
    static let server = IPAddress(ipv4: 0x0a00_0002)

    func packet(_ frame: Int) -> PacketInfo {
        PacketInfo(
            frame: UInt64(frame), timestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: UInt32(frame) * 1_000_000),
            ttl: 64, ipID: UInt16(frame), flags: [.ack])
    }

    /// Runs the script; `chunk` cuts each step's bytes (nil: whole).
    func run(chunk: Int? = nil) -> FlowRecord {
        let start = FlowStart(
            initiator: Self.client, initiatorPort: 50_000, responder: Self.server, responderPort: 443, vlan: VLANTags(),
            sawSYN: syn, packet: packet(1))
        var session = FlowSession(start: start, sequence: 1, limits: Limits())
        for (index, step) in steps.enumerated() {
            let info = packet(index + 2)
            switch step {
            case .data(let direction, let bytes):
                // One segment per step; its bytes reach the session in pieces, as reassembly
                // may deliver them.
                session.segment(from: direction, packet: info, payloadLength: bytes.count, retransmission: false)
                let size = chunk ?? max(bytes.count, 1)
                for offset in stride(from: 0, to: bytes.count, by: size) {
                    let piece = Array(bytes[offset..<min(offset + size, bytes.count)])
                    session.data(piece.span, from: direction, packet: info)
                }
            case .fin(let direction):
                session.closed(from: direction, reset: false, packet: info)
            case .rst(let direction):
                session.closed(from: direction, reset: true, packet: info)
            case .gap(let direction, let bytes):
                session.gap(from: direction, missingBytes: bytes, packet: info)
            }
        }
        return session.finish(.closed)
    }
}

enum Flights {
    static let clientHello = Wire.record(22, version: 0x0301, Wire.handshake(1, Wire.clientHelloBody()))
    static func tls12ServerFlight() -> [UInt8] {
        var hello = Wire.u16(0x0303) + [UInt8](repeating: 0x44, count: 32) + Wire.vec8([UInt8](repeating: 9, count: 32))
        hello += Wire.u16(0xc02f) + Wire.u8(0) + Wire.vec16(Wire.ext(0xff01, [0]))
        let certificate = Wire.vec24(Wire.vec24([UInt8](repeating: 0x30, count: 300)))
        let keyExchange =
            Wire.u8(3) + Wire.u16(0x001d) + Wire.vec8([UInt8](repeating: 4, count: 32))
            + [UInt8](repeating: 1, count: 72)
        return Wire.record(
            22,
            Wire.handshake(2, hello) + Wire.handshake(11, certificate) + Wire.handshake(12, keyExchange)
                + Wire.handshake(14, []))
    }
    static let clientFinish =
        Wire.record(22, Wire.handshake(16, Wire.vec8([UInt8](repeating: 7, count: 32))))
        + Wire.record(20, [1]) + Wire.record(22, [UInt8](repeating: 0xe1, count: 40))
    static let serverFinish = Wire.record(20, [1]) + Wire.record(22, [UInt8](repeating: 0xe2, count: 40))
    static let tls13ServerFlight =
        Wire.record(22, Wire.handshake(2, Wire.serverHelloBody())) + Wire.record(20, [1])
        + Wire.record(23, [UInt8](repeating: 0xe3, count: 2000))
    static let tls13ClientFinished = Wire.record(20, [1]) + Wire.record(23, [UInt8](repeating: 0xe4, count: 53))
    static let tls13ClientAlertSized = Wire.record(20, [1]) + Wire.record(23, [UInt8](repeating: 0xe5, count: 19))
}

@Suite struct FlowSessionTests {
    static let tls12: [Conversation.Step] = [
        .data(.initiator, Flights.clientHello), .data(.responder, Flights.tls12ServerFlight()),
        .data(.initiator, Flights.clientFinish), .data(.responder, Flights.serverFinish),
        .data(.initiator, Wire.record(23, [1, 2, 3])), .fin(.initiator), .fin(.responder),
    ]

    @Test func tls12HandshakeIsEstablished() {
        let record = Conversation(steps: Self.tls12).run()
        #expect(record.outcome == .established)
        #expect(record.established)
        #expect(record.version == .tls12)
        #expect(record.cipher?.rawValue == 0xc02f)
        #expect(record.curve?.rawValue == 0x001d)
        #expect(record.serverName == "api.example.com")
        #expect(record.serverCertificates.count == 1)
        #expect(record.clientHello?.frame == 2)
        #expect(record.serverHello?.frame == 3)
        #expect(record.decidedFrame == 5)
        #expect(record.tcp.clientFIN && record.tcp.serverFIN)
        #expect(
            record.steps.map(\.kind.name).prefix(5) == [
                "client_hello", "server_hello", "certificate", "server_key_exchange", "server_hello_done",
            ])
    }

    /// Drip-feed and blast: byte by byte, in small pieces and whole give the same record.
    @Test(arguments: [1, 2, 3, 5, 17, 100])
    func dripFeedGivesTheSameRecord(chunk: Int) {
        let whole = Conversation(steps: Self.tls12).run()
        #expect(Conversation(steps: Self.tls12).run(chunk: chunk) == whole)
        let tls13: [Conversation.Step] = [
            .data(.initiator, Flights.clientHello), .data(.responder, Flights.tls13ServerFlight),
            .data(.initiator, Flights.tls13ClientFinished),
        ]
        #expect(Conversation(steps: tls13).run(chunk: chunk) == Conversation(steps: tls13).run())
    }

    @Test func tls13IsEstablishedWhenTheClientSendsAFinishedSizedRecord() {
        let record = Conversation(steps: [
            .data(.initiator, Flights.clientHello), .data(.responder, Flights.tls13ServerFlight),
            .data(.initiator, Flights.tls13ClientFinished),
        ]).run()
        #expect(record.outcome == .established)
        #expect(record.version == .tls13)
        #expect(!record.resumed)
    }

    /// curl and node finish the handshake, then reject the certificate and close: an
    /// established flow where the client sent no request.
    @Test func aClientThatClosesRightAfterTheHandshakeIsNoted() {
        let closing = Conversation(steps: [
            .data(.initiator, Flights.clientHello), .data(.responder, Flights.tls13ServerFlight),
            .data(.initiator, Flights.tls13ClientFinished + Wire.record(23, [UInt8](repeating: 1, count: 19))),
            .fin(.initiator),
        ]).run()
        #expect(closing.outcome == .established)
        #expect(closing.closedRightAfterHandshake)
        let requesting = Conversation(steps: [
            .data(.initiator, Flights.clientHello), .data(.responder, Flights.tls13ServerFlight),
            .data(.initiator, Flights.tls13ClientFinished + Wire.record(23, [UInt8](repeating: 1, count: 300))),
            .fin(.initiator),
        ]).run()
        #expect(!requesting.closedRightAfterHandshake)
    }

    @Test func tls13AlertSizedRecordInsteadOfFinishedIsAFailure() {
        let record = Conversation(steps: [
            .data(.initiator, Flights.clientHello), .data(.responder, Flights.tls13ServerFlight),
            .data(.initiator, Flights.tls13ClientAlertSized), .fin(.initiator),
        ]).run()
        #expect(record.outcome == .failed)
        #expect(!record.established)
        #expect(record.steps.map(\.kind).contains(.encryptedAlertSizedRecord))
    }

    @Test func plaintextAlertFailsTheHandshakeAndNamesItsSenderAndStep() {
        let record = Conversation(steps: [
            .data(.initiator, Flights.clientHello), .data(.responder, Wire.record(21, [2, 40])), .fin(.responder),
        ]).run()
        #expect(record.outcome == .failed)
        #expect(record.alerts.count == 1)
        #expect(record.alerts.first?.from == .server)
        #expect(record.alerts.first?.alert?.description.rawValue == 40)
        #expect(record.alerts.first?.stage == "client_hello")
    }

    @Test func httpAnswerToAClientHelloIsNotTLS() {
        let record = Conversation(steps: [
            .data(.initiator, Flights.clientHello), .data(.responder, Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)),
            .fin(.responder),
        ]).run()
        #expect(record.outcome == .notTLS)
        #expect(record.plaintextSide == .server)
        #expect(record.plaintextSample[.server] == "\"HTTP/1.1 400 Bad Request\"")
    }

    /// A long answer over two segments: the evidence is its first 48 bytes, in order.
    @Test func theSampleOfALongAnswerIsItsFirst48Bytes() {
        let banner = "SSH-2.0-OpenSSH_9.6p1 Debian-3 with a very long comment after it\r\n"
        let bytes = Array(banner.utf8)
        let record = Conversation(steps: [
            .data(.initiator, Flights.clientHello), .data(.responder, Array(bytes[0..<20])),
            .data(.responder, Array(bytes[20...])), .fin(.responder),
        ]).run()
        #expect(record.outcome == .notTLS)
        #expect(record.plaintextSide == .server)
        #expect(record.plaintextSample[.server] == "\"" + String(banner.prefix(48)) + "\"")
    }

    @Test func starttlsUpgradeIsFollowed() {
        let record = Conversation(steps: [
            .data(.responder, Array("220 mail.example.com ESMTP\r\n".utf8)),
            .data(.initiator, Array("STARTTLS\r\n".utf8)),
            .data(.responder, Array("220 Go ahead\r\n".utf8)), .data(.initiator, Flights.clientHello),
            .data(.responder, Flights.tls12ServerFlight()), .data(.initiator, Flights.clientFinish),
            .data(.responder, Flights.serverFinish),
        ]).run()
        #expect(record.upgradedFromPlaintext)
        #expect(record.outcome == .established)
        #expect(record.plaintextSide == nil)
    }

    @Test func aCaptureStartingMidFlowIsPartial() {
        var conversation = Conversation(steps: [
            .data(.initiator, [0x01, 0x02] + Wire.record(23, [1, 2, 3])),
            .data(.responder, Wire.record(23, [4, 5, 6])),
            .data(.initiator, Wire.record(23, [7, 8, 9])),
        ])
        conversation.syn = false
        let record = conversation.run()
        #expect(record.outcome == .partial)
        #expect(record.sawTLS)
    }

    @Test(arguments: [
        ([Conversation.Step.data(.initiator, Flights.clientHello), .rst(.responder)], Outcome.reset),
        ([.data(.initiator, Flights.clientHello), .fin(.initiator)], .noResponse),
        ([.data(.initiator, Flights.clientHello), .gap(.responder, 1460), .data(.responder, [1, 2, 3])], .incomplete),
        (
            [.data(.initiator, Flights.clientHello), .data(.responder, Array(Flights.tls12ServerFlight().prefix(40)))],
            .incomplete
        ),
    ])
    func undecidedFlowsEndAsTheWireSays(steps: [Conversation.Step], expected: Outcome) {
        #expect(Conversation(steps: steps).run().outcome == expected)
    }

    /// A gap before the handshake is decided is reported with its size, in words that agree.
    @Test(arguments: [
        (UInt64(1), "1 byte of the server's stream is missing"),
        (1460, "1460 bytes of the server's stream are missing"),
    ])
    func aGapSaysHowManyBytesAreMissing(bytes: UInt64, words: String) {
        let record = Conversation(steps: [.data(.initiator, Flights.clientHello), .gap(.responder, bytes)]).run()
        #expect(record.malformed.contains { $0.hasPrefix("frame 3: \(words) from the capture") })
    }

    /// A capture of the client's side only: a change_cipher_spec with no ServerHello before it.
    @Test func aChangeCipherSpecBeforeAnyServerHelloIsToldByTheNextRecord() {
        // TLS 1.3 after an unseen HelloRetryRequest: the second ClientHello is in clear.
        let tls13 = Conversation(steps: [
            .data(.initiator, Flights.clientHello + Wire.record(20, [1]) + Flights.clientHello)
        ]).run()
        #expect(tls13.retryClientHello != nil)
        // TLS 1.2 resumption: CCS, then an encrypted Finished and an encrypted alert.
        let tls12 = Conversation(steps: [
            .data(
                .initiator,
                Flights.clientHello + Wire.record(20, [1]) + Wire.record(22, [UInt8](repeating: 0x9e, count: 40))
                    + Wire.record(21, [UInt8](repeating: 0x51, count: 26)))
        ]).run()
        #expect(tls12.retryClientHello == nil)
        #expect(tls12.malformedRecords == 0)
        #expect(tls12.alerts.map(\.isEncrypted) == [true])
        #expect(tls12.steps.map(\.kind).contains(.encryptedHandshake))
    }

    @Test func theResponderThatSendsTheClientHelloIsTheClient() {
        let record = Conversation(steps: [
            .data(.responder, Flights.clientHello), .data(.initiator, Wire.record(21, [2, 70])),
        ]).run()
        #expect(record.client.ip == Conversation.server)
        #expect(record.alerts.first?.from == .server)
    }

    @Test func aMalformedRecordIsCountedAndStopsThatDirection() {
        let record = Conversation(steps: [
            .data(.initiator, Flights.clientHello), .data(.responder, Wire.record(22, Wire.handshake(2, [1, 2, 3]))),
            .data(.responder, [0xff, 0xff, 0xff, 0xff, 0xff]),
        ]).run()
        #expect(record.malformedRecords == 2)
        #expect(record.malformed.count == 2)
        #expect(record.outcome == .incomplete)
    }

    @Test func hostileInputCannotGrowTheRecordWithoutBound() {
        var steps: [Conversation.Step] = [.data(.initiator, Flights.clientHello)]
        for _ in 0..<500 { steps.append(.data(.responder, Wire.record(21, [1, 0]))) }
        let record = Conversation(steps: steps).run()
        #expect(record.alerts.count <= FlowSession.maxAlerts)
        #expect(record.steps.count <= FlowSession.maxSteps)
    }
}
