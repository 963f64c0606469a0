import AutopsyPackets
import AutopsyTCP
import AutopsyTLS

/// One TCP flow's TLS session: cuts both directions into records and messages, follows
/// the handshake, and builds the flow's ``FlowRecord``.
///
/// Once the handshake is decided (established, resumed or failed) it drops its parse
/// state: handshake messages are no longer joined and encrypted bodies are never kept,
/// so a decided flow costs a few hundred bytes until its connection ends.
public struct FlowSession: StreamHandler {
    /// The record being built.
    public internal(set) var record: FlowRecord
    /// Whether the handshake is decided.
    public internal(set) var isDecided = false
    /// Steps kept per flow (hostile input cannot grow a record without bound).
    public static let maxSteps = 64
    /// Alerts kept per flow.
    public static let maxAlerts = 32
    /// Malformed-data notes and anomalies described per flow (all are counted).
    public static let maxNotes = 32

    /// The parsing state of each direction, changed where it lies (the session owns them;
    /// a copy of a session would share them, and none is made).
    let initiator: DirectionState
    let responder: DirectionState
    var initiatorIsClient = true
    let limits: Limits
    var lastHandshakeStep: StepKind?
    var helloRetrySeen = false
    /// Whether the client's first encrypted record after a TLS 1.3 ServerHello was alert-sized.
    public internal(set) var tls13ClientAlertSized = false

    /// Where a snapshot of the record goes the moment the handshake is decided (live
    /// capture reports flows then, not when their connection ends); nil offline.
    let decisions: DecisionSink?
    /// Whether the record was handed to `decisions` already.
    public private(set) var reportedAtDecision = false

    /// Fingerprints of the hello shapes seen lately, shared by the sessions of one analyzer;
    /// nil computes them for every hello.
    let fingerprints: FingerprintCache?

    /// Starts a session for a flow the table just created.
    public init(
        start: FlowStart, sequence: UInt64, limits: Limits, decisions: DecisionSink? = nil,
        fingerprints: FingerprintCache? = nil
    ) {
        self.limits = limits
        self.decisions = decisions
        self.fingerprints = fingerprints
        let sizes = (record: limits.partialRecordBytes, message: limits.handshakeMessageBytes)
        initiator = DirectionState(limits: sizes)
        responder = DirectionState(limits: sizes)
        record = FlowRecord(
            sequence: sequence, firstTimestamp: start.packet.timestamp, firstFrame: start.packet.frame,
            client: Endpoint(ip: start.initiator, port: start.initiatorPort),
            server: Endpoint(ip: start.responder, port: start.responderPort), vlan: start.vlan.ids)
        record.tcp.syn = start.sawSYN
        // Without a SYN the first packet may come from either side: until a ClientHello says
        // otherwise, the side on the service port (a TLS port, or the lower port below 1024)
        // is the server.
        if !start.sawSYN && Self.looksLikeServerPort(start.initiatorPort, versus: start.responderPort) {
            initiatorIsClient = false
            record.swapEndpoints()
        }
    }

    static func looksLikeServerPort(_ port: UInt16, versus other: UInt16) -> Bool {
        if TLSPorts.contains(port) != TLSPorts.contains(other) { return TLSPorts.contains(port) }
        return port < 1024 && port < other
    }

    // MARK: StreamHandler

    /// Notes frame, time and flags of every segment.
    public mutating func segment(
        from direction: StreamDirection, packet: PacketInfo, payloadLength: Int, retransmission: Bool
    ) {
        // Every packet: the record's box is made unique once, then written in place.
        Self.count(
            packet, retransmission: retransmission, fromClient: side(of: direction) == .client,
            into: &record.fields)
    }

    /// What `segment` counts of one packet into a record's fields.
    private static func count(
        _ packet: PacketInfo, retransmission: Bool, fromClient: Bool, into fields: inout FlowRecord.Fields
    ) {
        if packet.timestamp > fields.lastTimestamp { fields.lastTimestamp = packet.timestamp }
        if packet.frame > fields.lastFrame { fields.lastFrame = packet.frame }
        if retransmission { fields.tcp.retransmissions += 1 }
        if packet.flags.contains(.syn) && !packet.flags.contains(.ack) {
            fields.tcp.syn = true
            if fields.tcp.synTime == nil {
                fields.tcp.synTime = packet.timestamp
                fields.tcp.synFrame = packet.frame
            }
        }
        if packet.flags.contains(.syn) && packet.flags.contains(.ack) && fields.tcp.synAckTime == nil {
            fields.tcp.synAckTime = packet.timestamp
            fields.tcp.synAckFrame = packet.frame
        }
        if !packet.flags.contains(.rst) {
            if fromClient {
                fields.tcp.clientStats.add(packet)
            } else {
                fields.tcp.serverStats.add(packet)
            }
        }
    }

    /// Feeds in-order bytes of one direction to its record deframer.
    public mutating func data(_ bytes: Span<UInt8>, from direction: StreamDirection, packet: PacketInfo) {
        // Bulk data inside a record body: no record ends, so nothing but the counts changes.
        let skipped =
            direction == .initiator
            ? initiator.skipInsideRecord(bytes.count) : responder.skipInsideRecord(bytes.count)
        if skipped { return }
        // The direction's state without a reference count: the session's own `let` keeps it
        // alive (a strong reference was retained and released per chunk).
        Unmanaged.passUnretained(self.state(direction))._withUnsafeGuaranteedRef { state in
            data(bytes, state, direction, packet)
        }
    }

    private mutating func data(
        _ bytes: Span<UInt8>, _ state: DirectionState, _ direction: StreamDirection, _ packet: PacketInfo
    ) {
        state.bytes &+= UInt64(bytes.count)
        state.keepSample(bytes)
        switch state.phase {
        case .stopped:
            break
        case .start:
            state.phase = .tls
            feed(state, bytes, direction, packet, isFirstChunk: true)
        case .tls:
            feed(state, bytes, direction, packet, isFirstChunk: false)
        case .searching(let strict, let scanned):
            if Self.chunkStartsRecord(bytes, strict: strict) {
                if strict { state.plaintextBytes = state.bytes &- UInt64(bytes.count) }
                state.deframer = RecordDeframer(maxBodyBytes: limits.partialRecordBytes)
                state.deframer.mode = state.encrypted ? .encrypted : .plaintext
                state.phase = .tls
                if strict { record.upgradedFromPlaintext = true }
                feed(state, bytes, direction, packet, isFirstChunk: false)
            } else {
                // Still plaintext: the evidence sample covers it, up to its size.
                if strict { state.plaintextBytes = state.bytes }
                let total = scanned + bytes.count
                state.phase = total > limits.plaintextScanBytes ? .stopped : .searching(strict: strict, scanned: total)
            }
        }
        updateDecision(packet)
    }

    /// Bytes of a direction are lost: TLS parsing stops there.
    public mutating func gap(from direction: StreamDirection, missingBytes: UInt64, packet: PacketInfo) {
        record.tcp.gaps += 1
        if record.tcp.gapFrame == nil { record.tcp.gapFrame = packet.frame }
        let state = self.state(direction)
        if !isDecided && state.phase != .stopped {
            let side = side(of: direction)
            noteMalformed(
                "frame \(packet.frame): \(counted(missingBytes, "byte")) of the \(side.rawValue)'s stream \(missingBytes == 1 ? "is" : "are") missing from the capture; parsing of that direction stops there"
            )
        }
        // Before the handshake is decided a gap ends parsing (the flow is incomplete). After
        // it, records are looked for again at segment starts, to keep closing alerts.
        state.phase = isDecided ? .searching(strict: false, scanned: 0) : .stopped
    }

    /// Notes a FIN or RST.
    public mutating func closed(from direction: StreamDirection, reset: Bool, packet: PacketInfo) {
        switch (side(of: direction), reset) {
        case (.client, true): record.tcp.clientRST = true
        case (.server, true): record.tcp.serverRST = true
        case (.client, false): record.tcp.clientFIN = true
        case (.server, false): record.tcp.serverFIN = true
        }
        if reset && record.tcp.rstFrame == nil {
            record.tcp.rstFrame = packet.frame
            let side = side(of: direction)
            let other = side == .client ? record.tcp.serverStats : record.tcp.clientStats
            record.tcp.reset = ResetFacts(
                from: side, frame: packet.frame, timestamp: packet.timestamp, ttl: packet.ttl, ipID: packet.ipID,
                sinceOtherSide: other.lastTimestamp.map { packet.timestamp.nanoseconds(since: $0) })
        }
        if packet.frame > record.lastFrame { record.lastFrame = packet.frame }
        if packet.timestamp > record.lastTimestamp { record.lastTimestamp = packet.timestamp }
    }

    // MARK: Finishing

    /// Whether the flow belongs in the report: it carried TLS, or plaintext towards a
    /// port where TLS was expected.
    public var isReportable: Bool {
        if record.sawTLS { return true }
        return initiator.bytes + responder.bytes > 0 && TLSPorts.contains(record.server.port)
    }

    /// Freezes the record with its outcome, when the flow leaves the table, and returns it
    /// (sharing its box: the session is done with after this). `completing` finishes it in
    /// place first (certificates judged, line rendered).
    public mutating func finish(_ end: FlowEnd, completing: (inout FlowRecord) -> Void = { _ in }) -> FlowRecord {
        // Completed in place; what is returned shares the record's box (copy on write).
        if !isDecided { record.outcome = undecidedOutcome() }
        record.end = end.rawValue
        record.tlsBufferPeakBytes = max(initiator.bufferPeakBytes, responder.bufferPeakBytes)
        // Each direction read in place (its state is large to copy).
        let clientIsInitiator = initiatorIsClient
        for side in [Side.client, Side.server] {
            let isInitiator = (side == .client) == clientIsInitiator
            guard isInitiator ? initiator.startedPlaintext : responder.startedPlaintext else { continue }
            record.plaintextSample[side] = PlaintextSniffer.describe(
                isInitiator ? initiator.plaintextPrefix : responder.plaintextPrefix)
        }
        // Plaintext that TLS followed (STARTTLS) is not a failure to speak TLS.
        if record.outcome == .notTLS || (!record.upgradedFromPlaintext && record.sawTLS) {
            if clientStartedPlaintext {
                record.plaintextSide = .client
            } else if serverStartedPlaintext {
                record.plaintextSide = .server
            }
        }
        completing(&record)
        return record
    }

    // The directions' fields are read in place, through these: a state is large to copy.

    /// Whether the client's direction began with plaintext.
    var clientStartedPlaintext: Bool { initiatorIsClient ? initiator.startedPlaintext : responder.startedPlaintext }
    /// Whether the server's direction began with plaintext.
    var serverStartedPlaintext: Bool { initiatorIsClient ? responder.startedPlaintext : initiator.startedPlaintext }

    func undecidedOutcome() -> Outcome {
        if !record.hasClientHello {
            // TLS without a ClientHello: the capture began mid-flow (partial), or the hello
            // itself was lost or cut by the snap length (incomplete).
            if record.sawTLS { return record.tcp.syn ? .incomplete : .partial }
            return clientStartedPlaintext || serverStartedPlaintext ? .notTLS : .incomplete
        }
        if serverStartedPlaintext && !record.hasServerHello && record.helloRetryRequest == nil { return .notTLS }
        if record.alerts.contains(where: { !$0.isEncrypted }) || record.alerts.contains(where: \.isEncrypted) {
            return .failed
        }
        if record.tcp.clientRST || record.tcp.serverRST { return .reset }
        if record.tcp.gaps > 0 { return .incomplete }
        if (initiatorIsClient ? responder.bytes : initiator.bytes) == 0 { return .noResponse }
        return .incomplete
    }

    // MARK: Records

    mutating func feed(
        _ state: DirectionState, _ bytes: Span<UInt8>, _ direction: StreamDirection, _ packet: PacketInfo,
        isFirstChunk: Bool
    ) {
        // Fed where it lies: `handle` reads and changes the rest of the state, never the
        // deframer, nor the thread's record scratch.
        if let fingerprints {
            state.deframer.feed(bytes, scratch: &fingerprints.recordScratch) { deframed in
                handle(deframed, state, direction, packet)
            }
        } else {
            state.deframer.feed(bytes) { deframed in
                handle(deframed, state, direction, packet)
            }
        }
        if state.deframer.sawValidHeader { record.sawTLS = true }
        if let error = state.deframer.error, state.phase == .tls {
            // A first header with a record type and version but a length out of range is
            // broken TLS (reported as malformed), not another protocol.
            if state.deframer.recordCount == 0 && error.field.description != "record.length" {
                // The direction did not start with TLS. The plaintext may have been short and
                // in earlier chunks (a 1-byte STARTTLS answer): this chunk may start TLS itself.
                // Without the SYN the stream may simply start mid-record: not plaintext, just unaligned.
                state.startedPlaintext = record.tcp.syn
                state.plaintextBytes = state.bytes &- UInt64(bytes.count)
                if !isFirstChunk && Self.chunkStartsRecord(bytes, strict: true) {
                    state.deframer = RecordDeframer(maxBodyBytes: limits.partialRecordBytes)
                    record.upgradedFromPlaintext = true
                    state.deframer.feed(bytes) { deframed in
                        handle(deframed, state, direction, packet)
                    }
                } else {
                    state.plaintextBytes = state.bytes
                    state.phase = .searching(strict: record.tcp.syn, scanned: bytes.count)
                }
            } else {
                record.sawTLS = true
                record.malformedRecords += 1
                noteMalformed(
                    "frame \(packet.frame): \(side(of: direction).rawValue) record \(error); parsing of that direction stops there"
                )
                state.phase = .stopped
            }
        }
    }

    mutating func handle(
        _ deframed: DeframedRecord, _ state: DirectionState, _ direction: StreamDirection, _ packet: PacketInfo
    ) -> DeframerMode {
        record.sawTLS = true
        let side = side(of: direction)
        if deframed.isSSLv2 {
            handleSSLv2(deframed, side: side, direction: direction, packet)
            // SSL 2.0 encrypts the server's messages after its SERVER-HELLO, the client's after its CLIENT-MASTER-KEY.
            if side == .server && record.hasServerHello { state.encrypted = true }
            if side == .client && record.sslv2MasterKeySent { state.encrypted = true }
            return state.encrypted ? .encrypted : .plaintext
        }
        if state.ambiguousCCS, let body = deframed.body {
            state.ambiguousCCS = false
            // After a change_cipher_spec the capture cannot place: a second ClientHello in
            // clear (TLS 1.3 after a HelloRetryRequest), or TLS 1.2's encrypted records.
            let clear =
                deframed.header.contentType == .handshake
                ? body.first == 1
                : deframed.header.contentType == .alert ? body.count == 2 : false
            if !clear {
                state.encrypted = true
                let kind: StepKind = deframed.header.contentType == .alert ? .encryptedAlert : .encryptedHandshake
                if deframed.header.contentType == .alert {
                    addAlert(nil, encryptedLength: deframed.header.length, side: side, packet)
                }
                encryptedRecord(state, side: side, kind: kind, length: deframed.header.length, packet)
                return .encrypted
            }
        }
        if deframed.header.length == 0 && deframed.header.contentType != .applicationData {
            noteAnomaly(Anomaly(.emptyRecord, detail: "\(side.rawValue) \(deframed.header.contentType)"))
        }
        switch deframed.header.contentType {
        case .handshake:
            if let body = deframed.body {
                joinHandshake(body, state, direction, deframed.header, packet)
            } else {
                encryptedRecord(state, side: side, kind: .encryptedHandshake, length: deframed.header.length, packet)
            }
        case .alert:
            if let body = deframed.body {
                var joiner = state.alerts
                joiner.append(body) { alert in addAlert(alert, encryptedLength: nil, side: side, packet) }
                state.alerts = joiner
            } else {
                addAlert(nil, encryptedLength: deframed.header.length, side: side, packet)
                encryptedRecord(state, side: side, kind: .encryptedAlert, length: deframed.header.length, packet)
            }
        case .changeCipherSpec:
            state.sawCCS = true
            addStep(side, .changeCipherSpec, deframed.header.length, packet)
            // TLS 1.3 sends a dummy change_cipher_spec for middleboxes; the records after it
            // are application_data anyway, and a second ClientHello after an HRR is still clear.
            // Before TLS 1.3 a change_cipher_spec comes after the ServerHello (and, from the
            // client, after its ClientKeyExchange): one before either is TLS 1.3's, sent before
            // a second ClientHello (the capture missed the HelloRetryRequest).
            if !isTLS13 && (record.hasServerHello || state.sentHandshakeAfterHello) {
                state.encrypted = true
            } else if !isTLS13 {
                // No ServerHello seen (a one-sided capture): the next record tells.
                state.ambiguousCCS = true
            }
        case .applicationData:
            applicationData(state, side: side, length: deframed.header.length, packet)
        default:
            addStep(side, .record(deframed.header.contentType.rawValue), deframed.header.length, packet)
        }
        return state.encrypted ? .encrypted : .plaintext
    }

    var isTLS13: Bool {
        helloRetrySeen || (record.serverHello?.hello.selectedVersion.isTLS13OrDraft ?? false)
    }

    mutating func applicationData(_ state: DirectionState, side: Side, length: Int, _ packet: PacketInfo) {
        state.encryptedRecords += 1
        if state.sawCCS { state.encryptedAfterCCS += 1 }
        guard !isDecided else {
            // What the client sends after its Finished: a request, or only an alert-sized record.
            if side == .client && record.clientRecordsAfterHandshake < 255 {
                record.clientRecordsAfterHandshake += 1
                record.clientBytesAfterHandshake &+= length
            }
            return
        }
        if isTLS13 && record.hasServerHello {
            if side == .server {
                addStep(side, state.encryptedRecords == 1 ? .encryptedHandshake : .encryptedRecord, length, packet)
            } else {
                // The client's first record after the ServerHello is its Finished (4 + 32 or 48
                // bytes + type + 16-byte tag = 53 or 69) or, if it rejects the server, an
                // alert (2 + 1 + 16 = 19 bytes).
                let alertSized = length <= 24
                addStep(side, alertSized ? .encryptedAlertSizedRecord : .encryptedHandshake, length, packet)
                if alertSized { tls13ClientAlertSized = true }
                decide(alertSized ? .failed : .established, packet)
            }
        } else {
            addStep(side, .applicationData, length, packet)
        }
    }

    mutating func encryptedRecord(
        _ state: DirectionState, side: Side, kind: StepKind, length: Int, _ packet: PacketInfo
    ) {
        state.encryptedRecords += 1
        if state.sawCCS { state.encryptedAfterCCS += 1 }
        if !isDecided && kind != .encryptedAlert { addStep(side, kind, length, packet) }
    }

    mutating func joinHandshake(
        _ body: [UInt8], _ state: DirectionState, _ direction: StreamDirection, _ header: RecordHeader,
        _ packet: PacketInfo
    ) {
        guard !isDecided else { return }
        // Collected first (a joining error is noted before the messages that preceded it);
        // a record mostly holds one message, kept without a list.
        var first: HandshakeMessage?
        var more: [HandshakeMessage] = []
        // Joined where it lies (a copy would make the joiner copy its buffer to append).
        let failedBefore = state.joiner.error != nil
        state.joiner.append(body) { message in
            if first == nil { first = message } else { more.append(message) }
        }
        if let error = state.joiner.error, !failedBefore {
            record.malformedRecords += 1
            noteMalformed("frame \(packet.frame): \(side(of: direction).rawValue) handshake \(error)")
        }
        if let first { handleMessage(first, state, direction, header, packet) }
        for message in more {
            handleMessage(message, state, direction, header, packet)
        }
    }

    /// Notes what did not parse: every one is counted, the first `maxNotes` are described
    /// (a hostile stream may send malformed messages without end).
    mutating func noteMalformed(_ text: String) {
        guard record.malformed.count < Self.maxNotes else { return }
        record.malformed.append(text)
    }

    /// Notes an oddity of the stream once (a stream may repeat it without bound).
    mutating func noteAnomaly(_ anomaly: Anomaly) {
        guard record.anomalies.count < Self.maxNotes, !record.anomalies.contains(anomaly) else { return }
        record.anomalies.append(anomaly)
    }

    // MARK: Steps, alerts, decision

    mutating func addStep(_ side: Side, _ kind: StepKind, _ length: Int, _ packet: PacketInfo) {
        guard record.steps.count < Self.maxSteps else {
            record.stepsOmitted += 1
            return
        }
        // A handshake takes about a dozen steps: room for 16 at once, not grown 1, 2, 4, 8, 16.
        if record.steps.isEmpty { record.steps.reserveCapacity(16) }
        record.steps.append(
            ExchangeStep(frame: packet.frame, timestamp: packet.timestamp, from: side, kind: kind, length: length))
    }

    mutating func addAlert(_ alert: AlertMessage?, encryptedLength: Int?, side: Side, _ packet: PacketInfo) {
        guard record.alerts.count < Self.maxAlerts else { return }
        let stage = isDecided ? "after_handshake" : (lastHandshakeStep?.name ?? "none")
        record.alerts.append(
            AlertRecord(
                frame: packet.frame, timestamp: packet.timestamp, from: side, alert: alert,
                encryptedLength: encryptedLength, stage: stage))
        guard !isDecided else { return }
        addStep(side, alert == nil ? .encryptedAlert : .alert, encryptedLength ?? 2, packet)
        if alert?.level == .fatal || (alert == nil && record.hasClientHello) {
            decide(.failed, packet)
        }
    }

    mutating func updateDecision(_ packet: PacketInfo) {
        guard !isDecided, record.hasClientHello, !isTLS13 else { return }
        // TLS 1.2 and earlier: both sides sent change_cipher_spec and their Finished after it
        // (read in place: the states are large to copy, and this runs on every chunk).
        if initiator.sawCCS && responder.sawCCS && initiator.encryptedAfterCCS > 0 && responder.encryptedAfterCCS > 0 {
            let abbreviated =
                record.serverCertificates.isEmpty && isResumption()
            decide(abbreviated ? .resumed : .established, packet)
        }
    }

    /// Whether the ServerHello resumes a session (false without both hellos). Reads the
    /// hellos in place, field by field: copying one out retains each of its arrays.
    func isResumption() -> Bool {
        guard record.hasClientHello, let version = record.serverHello?.hello.selectedVersion else { return false }
        // TLS 1.3 echoes the legacy session id always; only an accepted PSK means resumption.
        if version.isTLS13OrDraft { return record.serverHello?.hello.extensions.selectedPSKIdentity != nil }
        if record.clientHello?.hello.sessionID.isEmpty == false
            && record.serverHello?.hello.sessionID == record.clientHello?.hello.sessionID
        {
            return true
        }
        // Ticket resumption may come with an empty or new session id: the server then skips its Certificate.
        return (record.clientHello?.hello.extensions.sessionTicketLength ?? 0) > 0
            && record.serverCertificateFrame == nil
    }

    mutating func decide(_ outcome: Outcome, _ packet: PacketInfo) {
        guard !isDecided else { return }
        var outcome = outcome
        // A client that answers a plaintext reply (an SSH banner, an HTTP error) with an
        // alert: the failure is that the server does not speak TLS.
        if outcome == .failed && !record.hasServerHello && serverStartedPlaintext {
            outcome = .notTLS
            record.plaintextSide = .server
            record.plaintextSample[.server] = PlaintextSniffer.describe(
                initiatorIsClient ? responder.plaintextPrefix : initiator.plaintextPrefix)
        }
        if outcome == .established, isResumption() {
            outcome = .resumed
        }
        record.outcome = outcome
        record.established = outcome == .established || outcome == .resumed
        record.resumed = outcome == .resumed
        record.decidedFrame = packet.frame
        isDecided = true
        if let decisions {
            decisions.records.append(record)
            reportedAtDecision = true
            // The record is out: keep only what later packets update, so a long live run holds
            // a few hundred bytes per open connection.
            record.clientHello = nil
            record.retryClientHello = nil
            record.serverHello = nil
            record.helloRetryRequest = nil
            record.serverCertificates = []
            record.clientCertificates = []
            record.steps = []
            record.anomalies = []
        }
        // Drop the parse state: nothing more is joined, and bodies are no longer kept.
        initiator.dropJoiner()
        responder.dropJoiner()
    }

    // MARK: Directions

    func side(of direction: StreamDirection) -> Side {
        (direction == .initiator) == initiatorIsClient ? .client : .server
    }

    /// The parsing state of `direction`.
    func state(_ direction: StreamDirection) -> DirectionState {
        direction == .initiator ? initiator : responder
    }

    /// The responder sent the ClientHello: it is the client.
    mutating func makeClient(_ direction: StreamDirection) {
        guard side(of: direction) == .server else { return }
        initiatorIsClient.toggle()
        record.swapEndpoints()
        record.tcp = TCPFacts.swapped(record.tcp)
    }

    static func chunkStartsRecord(_ bytes: Span<UInt8>, strict: Bool) -> Bool {
        guard bytes.count >= 6 else { return false }
        let type = bytes[0]
        guard bytes[1] == 3, bytes[2] <= 4 else { return false }
        let length = Int(bytes[3]) << 8 | Int(bytes[4])
        guard length >= 1, length <= RecordHeader.maximumLength else { return false }
        if strict {
            // After plaintext, only a hello starts TLS (STARTTLS and the like).
            return type == ContentType.handshake.rawValue && (bytes[5] == 1 || bytes[5] == 2)
        }
        return (20...23).contains(type)
    }
}

extension TCPFacts {
    static func swapped(_ facts: TCPFacts) -> TCPFacts {
        var result = facts
        result.clientRST = facts.serverRST
        result.serverRST = facts.clientRST
        result.clientStats = facts.serverStats
        result.serverStats = facts.clientStats
        if var reset = facts.reset {
            reset.from = reset.from == .client ? .server : .client
            result.reset = reset
        }
        result.clientFIN = facts.serverFIN
        result.serverFIN = facts.clientFIN
        return result
    }
}

/// Ports where TLS is expected from the first byte (IANA service names with TLS).
enum TLSPorts {
    static let list: [UInt16] = [
        443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 3269, 5061, 5223, 5671, 6514, 8443, 8883, 9443,
    ]
    static func contains(_ port: UInt16) -> Bool { list.contains(port) }
}
