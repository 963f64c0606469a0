import AutopsyPackets
import AutopsyTCP
import AutopsyTLS

extension FlowSession {
    /// Handles one complete handshake message from one direction.
    mutating func handleMessage(
        _ message: HandshakeMessage, _ state: DirectionState, _ direction: StreamDirection,
        _ header: RecordHeader, _ packet: PacketInfo
    ) {
        if message.type == .clientHello && !record.hasClientHello { makeClient(direction) }
        let side = side(of: direction)
        let kind = StepKind.handshake(message.type)
        addStep(side, kind, message.length, packet)
        lastHandshakeStep = kind
        if message.type != .clientHello && message.type != .serverHello { state.sentHandshakeAfterHello = true }
        do {
            switch message.type {
            case .clientHello:
                var hello = ClientHello(legacyVersion: ProtocolVersion(rawValue: 0), random: [], sessionID: [])
                try ClientHello.parse(message.cursor, into: &hello, lists: fingerprints?.lists)
                clientHello(consume hello, side: side, recordVersion: header.version, packet)
            case .serverHello:
                let hello = try ServerHello.parse(message.cursor, lists: fingerprints?.lists)
                serverHello(hello, state, side: side, packet)
            case .certificate:
                let tls13 = record.version?.isTLS13OrDraft ?? false
                let certificates = try CertificateMessage.parse(
                    message.cursor, tls13: tls13, kept: fingerprints?.lists.certificates
                ).certificates
                if side == .server {
                    record.serverCertificates = certificates
                    record.serverCertificateFrame = packet.frame
                } else {
                    record.clientCertificates = certificates
                    record.clientCertificateFrame = packet.frame
                }
            case .certificateRequest where !(record.version?.isTLS13OrDraft ?? false):
                record.certificateRequest = try CertificateRequest.parse(
                    message.cursor, tls12: record.version == .tls12)
                record.certificateRequestFrame = packet.frame
            case .serverKeyExchange:
                let dhe = record.cipher?.keyExchange == .dhe
                let exchange = try ServerKeyExchange.parse(message.cursor, dhe: dhe)
                record.serverKeyExchangeGroup = exchange.group
                record.serverKeyExchangeDHBits = exchange.dhPrimeBits
            case .newSessionTicket where !(record.version?.isTLS13OrDraft ?? false):
                record.newSessionTicket = try NewSessionTicket.parse(message.cursor)
            default:
                break
            }
        } catch {
            record.malformedRecords += 1
            noteMalformed("frame \(packet.frame): \(side.rawValue) \(kind.name) \(error)")
        }
    }

    // The hellos are taken (consuming) and built where they are kept, then completed in
    // place: a copy of a hello retains each of its arrays.
    private mutating func clientHello(
        _ hello: consuming ClientHello, side: Side, recordVersion: ProtocolVersion, _ packet: PacketInfo
    ) {
        for anomaly in hello.anomalies { noteAnomaly(anomaly) }
        if !record.hasClientHello {
            record.clientHello = ClientHelloRecord(
                frame: packet.frame, timestamp: packet.timestamp, recordVersion: recordVersion, hello: hello,
                fingerprints: fingerprints)
        } else if record.retryClientHello == nil {
            // The second ClientHello answers a HelloRetryRequest, even one the capture missed.
            record.retryClientHello = ClientHelloRecord(
                frame: packet.frame, timestamp: packet.timestamp, recordVersion: recordVersion, hello: hello,
                fingerprints: fingerprints)
        }
    }

    private mutating func serverHello(
        _ hello: consuming ServerHello, _ state: DirectionState, side: Side, _ packet: PacketInfo
    ) {
        for anomaly in hello.anomalies { noteAnomaly(anomaly) }
        let prints: FingerprintCache.Server
        if let fingerprints {
            prints = fingerprints.server(hello)
        } else {
            let string = JA3.serverString(hello)
            prints = FingerprintCache.Server(ja3sString: string, ja3s: JA3.md5Hex(string))
        }
        if hello.isHelloRetryRequest {
            helloRetrySeen = true
            if record.helloRetryRequest == nil {
                record.helloRetryRequest = ServerHelloRecord(
                    frame: packet.frame, timestamp: packet.timestamp, hello: hello, prints)
            }
            return
        }
        guard !record.hasServerHello else { return }
        // TLS 1.3: everything the server sends after its ServerHello is encrypted.
        if hello.selectedVersion.isTLS13OrDraft { state.encrypted = true }
        record.serverHello = ServerHelloRecord(frame: packet.frame, timestamp: packet.timestamp, hello: hello, prints)
    }

    /// An SSL 2.0 record: the CLIENT-HELLO and SERVER-HELLO are read; later SSL 2.0
    /// messages are encrypted or carry keys, and are only counted.
    mutating func handleSSLv2(_ deframed: DeframedRecord, side: Side, direction: StreamDirection, _ packet: PacketInfo)
    {
        guard !isDecided else { return }
        guard let body = deframed.body, let type = body.first else {
            // An encrypted SSL 2.0 record: once the server sends one after the
            // CLIENT-MASTER-KEY, both sides have keys.
            addStep(side, .sslv2Encrypted, deframed.header.length, packet)
            if side == .server && record.sslv2MasterKeySent { decide(.established, packet) }
            return
        }
        do {
            switch type {
            case 1 where !record.hasClientHello:
                makeClient(direction)
                let hello = try ClientHello.parseSSLv2(body)
                addStep(.client, .handshake(.clientHello), body.count, packet)
                lastHandshakeStep = .handshake(.clientHello)
                record.clientHello = ClientHelloRecord(
                    frame: packet.frame, timestamp: packet.timestamp, recordVersion: .ssl2, hello: hello,
                    fingerprints: fingerprints)
            case 4 where !record.hasServerHello:
                let parsed = try ServerHello.parseSSLv2(body)
                addStep(side, .handshake(.serverHello), body.count, packet)
                lastHandshakeStep = .handshake(.serverHello)
                record.serverHello = ServerHelloRecord(
                    frame: packet.frame, timestamp: packet.timestamp, hello: parsed.hello)
                record.sslv2CipherKind = parsed.hello.sslv2CipherKind
                if let certificate = parsed.certificate {
                    record.serverCertificates = [certificate]
                    record.serverCertificateFrame = packet.frame
                }
            case 2 where side == .client:
                // CLIENT-MASTER-KEY: the cipher kind the client chose is in clear (RFC 6101, E.1).
                var cursor = ByteCursor(body)
                _ = try cursor.readUInt8("sslv2.msg_type")
                let high = try cursor.readUInt8("sslv2.cipher_kind")
                let low = try cursor.readUInt16("sslv2.cipher_kind")
                record.sslv2CipherKind = UInt32(high) << 16 | UInt32(low)
                record.sslv2MasterKeySent = true
                addStep(side, .clientMasterKey, body.count, packet)
                lastHandshakeStep = .clientMasterKey
            default:
                addStep(side, .sslv2Message(type), body.count, packet)
            }
        } catch {
            record.malformedRecords += 1
            noteMalformed("frame \(packet.frame): \(side.rawValue) SSL 2.0 message \(error)")
        }
    }
}
