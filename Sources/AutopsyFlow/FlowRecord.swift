import AutopsyPackets
import AutopsyTLS
import AutopsyX509

/// An address and port.
public struct Endpoint: Sendable, Hashable {
    /// The IP address.
    public var ip: IPAddress
    /// The TCP port.
    public var port: UInt16

    /// Creates an endpoint.
    public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }
}

/// The ClientHello facts of the flow record (`shared/spec/flow-record.md`, `client_hello`).
@dynamicMemberLookup
public struct ClientHelloRecord: Sendable, Hashable {
    /// The facts, in a box the record's copies share until one of them changes a fact
    /// (`CopyOnWrite`): a hello holds a score of arrays, and the report, the diagnoses and
    /// the pattern counts each take a copy of the hello's record, one retain instead of one
    /// per array and string. Records are equal, and hash alike, when their facts are.
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// What the record says, one property per fact (read and changed as the record's own:
    /// `record.hello`).
    public struct Fields: Sendable, Hashable {
        /// Frame that completed the message.
        public var frame: UInt64
        /// Capture time of that frame.
        public var timestamp: Timestamp
        /// Version in the header of the record that carried it.
        public var recordVersion: ProtocolVersion
        /// The parsed hello.
        public var hello: ClientHello
        /// JA3 fingerprint (MD5 of `ja3String`), when computed.
        public var ja3: String?
        /// JA3 input string.
        public var ja3String: String?
        /// JA4 fingerprint, when computed.
        public var ja4: String?

        @usableFromInline init(frame: UInt64, timestamp: Timestamp, recordVersion: ProtocolVersion, hello: ClientHello)
        {
            self.frame = frame
            self.timestamp = timestamp
            self.recordVersion = recordVersion
            self.hello = hello
        }
    }

    /// A fact by name (`record.hello`): read in place, and changed in place once the box
    /// is this value's alone (copied first when shared).
    @inlinable public subscript<Fact>(dynamicMember path: WritableKeyPath<Fields, Fact>) -> Fact {
        _read { yield storage.box.value[keyPath: path] }
        _modify {
            storage.makeUnique()
            yield &storage.box.value[keyPath: path]
        }
    }

    /// Creates the record part.
    public init(frame: UInt64, timestamp: Timestamp, recordVersion: ProtocolVersion, hello: ClientHello) {
        storage = CopyOnWrite(
            wrappedValue: Fields(frame: frame, timestamp: timestamp, recordVersion: recordVersion, hello: hello))
    }

}

extension ClientHelloRecord {
    /// The record part with JA3 and JA4 filled in from the hello (from `cache` when one is
    /// given). They are taken from the hello before it is boxed: read back through the box,
    /// the hello was copied whole (a dozen arrays retained and released).
    init(
        frame: UInt64, timestamp: Timestamp, recordVersion: ProtocolVersion, hello: consuming ClientHello,
        fingerprints cache: FingerprintCache?
    ) {
        let ja3String: String
        let ja3: String?
        let ja4: String
        if let cache {
            let prints = cache.client(hello)
            (ja3String, ja3, ja4) = (prints.ja3String, prints.ja3, prints.ja4)
        } else {
            (ja3String, ja3, ja4) = (JA3.string(hello), JA3.hash(hello), JA4.fingerprint(hello))
        }
        // Boxed first, then filled in where it lies: a local value boxed at its last use was
        // still copied into the box and destroyed after (every array of the hello retained
        // and released once).
        storage = CopyOnWrite(
            wrappedValue: Fields(frame: frame, timestamp: timestamp, recordVersion: recordVersion, hello: hello))
        storage.box.value.ja3String = ja3String
        storage.box.value.ja3 = ja3
        storage.box.value.ja4 = ja4
    }
}

/// The ServerHello (or HelloRetryRequest) facts of the flow record.
@dynamicMemberLookup
public struct ServerHelloRecord: Sendable, Hashable {
    /// The facts, in a box the record's copies share (as `ClientHelloRecord`'s).
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// What the record says, one property per fact (read and changed as the record's own:
    /// `record.ja3s`).
    public struct Fields: Sendable, Hashable {
        /// Frame that completed the message.
        public var frame: UInt64
        /// Capture time of that frame.
        public var timestamp: Timestamp
        /// The parsed hello.
        public var hello: ServerHello
        /// JA3S fingerprint, when computed.
        public var ja3s: String?
        /// JA3S input string.
        public var ja3sString: String?

        @usableFromInline init(frame: UInt64, timestamp: Timestamp, hello: ServerHello) {
            self.frame = frame
            self.timestamp = timestamp
            self.hello = hello
        }
    }

    /// A fact by name (`record.ja3s`): read in place, and changed in place once the box
    /// is this value's alone (copied first when shared).
    @inlinable public subscript<Fact>(dynamicMember path: WritableKeyPath<Fields, Fact>) -> Fact {
        _read { yield storage.box.value[keyPath: path] }
        _modify {
            storage.makeUnique()
            yield &storage.box.value[keyPath: path]
        }
    }

    /// Creates the record part.
    public init(frame: UInt64, timestamp: Timestamp, hello: ServerHello) {
        storage = CopyOnWrite(wrappedValue: Fields(frame: frame, timestamp: timestamp, hello: hello))
    }

    /// The record part with its JA3S.
    init(frame: UInt64, timestamp: Timestamp, hello: consuming ServerHello, _ prints: FingerprintCache.Server) {
        // Boxed first, then filled in where it lies (as `ClientHelloRecord`'s).
        storage = CopyOnWrite(wrappedValue: Fields(frame: frame, timestamp: timestamp, hello: hello))
        storage.box.value.ja3s = prints.ja3s
        storage.box.value.ja3sString = prints.ja3sString
    }

}

/// An alert seen on the wire, with who sent it and when.
public struct AlertRecord: Sendable, Hashable {
    /// Frame that completed the alert record.
    public var frame: UInt64
    /// Capture time.
    public var timestamp: Timestamp
    /// Who sent it.
    public var from: Side
    /// Level and description; nil when the alert was encrypted.
    public var alert: AlertMessage?
    /// Size of the encrypted record's body, for encrypted alerts.
    public var encryptedLength: Int?
    /// The handshake step it came at: the last handshake message seen before it.
    public var stage: String

    /// Whether the alert was encrypted (level and description unknowable passively).
    public var isEncrypted: Bool { alert == nil }
    /// Whether it is a plaintext fatal alert.
    public var isFatal: Bool { alert?.level == .fatal }
}

/// One step of the exchange, for the ladder and for evidence: a handshake message, a
/// change_cipher_spec, an alert, or an encrypted record.
public struct ExchangeStep: Sendable, Hashable {
    /// Frame that completed it.
    public var frame: UInt64
    /// Capture time.
    public var timestamp: Timestamp
    /// Who sent it.
    public var from: Side
    /// What it was: a handshake message (`client_hello`), `change_cipher_spec`, `alert`,
    /// `encrypted_alert`, `encrypted_handshake`, `application_data` (`kind.name` is its text).
    public var kind: StepKind
    /// Its size in bytes (message body, or record body for encrypted records).
    public var length: Int
}

/// What one side's packets looked like, to tell its own packets from injected ones.
public struct SideStats: Sendable, Hashable {
    /// Packets seen from this side (RSTs not counted).
    public var packets = 0
    /// Lowest TTL / hop limit seen.
    public var minTTL: UInt8 = 255
    /// Highest TTL / hop limit seen.
    public var maxTTL: UInt8 = 0
    /// IPv4 identification of the last packet (nil for IPv6).
    public var lastIPID: UInt16?
    /// Whether every IPv4 id seen was 0 (stacks that set DF and leave the id 0).
    public var allIPIDsZero = true
    /// Capture time of the last packet.
    public var lastTimestamp: Timestamp?

    /// No packets yet.
    public init() {}

    mutating func add(_ packet: PacketInfo) {
        packets += 1
        minTTL = min(minTTL, packet.ttl)
        maxTTL = max(maxTTL, packet.ttl)
        if let id = packet.ipID {
            lastIPID = id
            if id != 0 { allIPIDsZero = false }
        }
        lastTimestamp = packet.timestamp
    }
}

/// The first RST of the flow, with what is needed to judge whether the side it claims
/// to come from really sent it.
public struct ResetFacts: Sendable, Hashable {
    /// The side whose address the RST carries.
    public var from: Side
    /// Its frame.
    public var frame: UInt64
    /// Its capture time.
    public var timestamp: Timestamp
    /// Its TTL / hop limit.
    public var ttl: UInt8
    /// Its IPv4 identification.
    public var ipID: UInt16?
    /// Nanoseconds since the other side's last packet before it.
    public var sinceOtherSide: Int64?

    /// Creates reset facts.
    public init(
        from: Side, frame: UInt64, timestamp: Timestamp, ttl: UInt8, ipID: UInt16?, sinceOtherSide: Int64?
    ) {
        self.from = from
        self.frame = frame
        self.timestamp = timestamp
        self.ttl = ttl
        self.ipID = ipID
        self.sinceOtherSide = sinceOtherSide
    }
}

/// TCP facts of the flow.
public struct TCPFacts: Sendable, Hashable {
    /// The client's packets.
    public var clientStats = SideStats()
    /// The server's packets.
    public var serverStats = SideStats()
    /// The first reset.
    public var reset: ResetFacts?
    /// Capture time of the client's SYN and of the server's SYN-ACK, for the round trip.
    public var synTime: Timestamp?
    /// Capture time of the server's SYN-ACK.
    public var synAckTime: Timestamp?
    /// Frame of the client's first SYN (the ladder's row).
    public var synFrame: UInt64?
    /// Frame of the server's first SYN-ACK (the ladder's row).
    public var synAckFrame: UInt64?

    /// The server's round trip seen from the capture point: SYN to SYN-ACK, in nanoseconds.
    public var handshakeRTT: Int64? {
        guard let syn = synTime, let synAck = synAckTime else { return nil }
        let value = synAck.nanoseconds(since: syn)
        return value >= 0 ? value : nil
    }

    /// Whether the connection's SYN was seen.
    public var syn = false
    /// Whether the client sent an RST.
    public var clientRST = false
    /// Whether the server sent an RST.
    public var serverRST = false
    /// Whether the client sent a FIN.
    public var clientFIN = false
    /// Whether the server sent a FIN.
    public var serverFIN = false
    /// Gaps (bytes missing for good) in either direction.
    public var gaps = 0
    /// Segments that repeated bytes already seen.
    public var retransmissions = 0
    /// Frame of the first RST, when one came.
    public var rstFrame: UInt64?
    /// Frame of the first gap, when one came.
    public var gapFrame: UInt64?

    /// No facts yet.
    public init() {}
}

/// Everything known about one flow, frozen once decided: the Swift mirror of the JSON
/// contract `shared/spec/flow-record.md`.
public struct FlowRecord: Sendable, Hashable, CustomDebugStringConvertible {
    /// The stored facts: kept in one shared box, copied only when a shared record changes
    /// (copy on write), so that passing a record on moves one reference, not 2 KB.
    @usableFromInline struct Fields: Sendable, Hashable {
        @usableFromInline var id: Int = 0
        @usableFromInline var sequence: UInt64
        @usableFromInline var firstTimestamp: Timestamp
        @usableFromInline var lastTimestamp: Timestamp
        @usableFromInline var firstFrame: UInt64
        @usableFromInline var lastFrame: UInt64
        // What every packet reads or counts comes first, next to the box's header (which
        // each write checks): with a thousand flows open, a flow's record is out of the
        // caches by its next packet, and each line of it touched is a miss.
        @usableFromInline var outcome: Outcome = .incomplete
        @usableFromInline var established: Bool = false
        @usableFromInline var resumed: Bool = false
        @usableFromInline var sawTLS: Bool = false
        @usableFromInline var upgradedFromPlaintext: Bool = false
        @usableFromInline var tcp: TCPFacts = TCPFacts()
        @usableFromInline var client: Endpoint
        @usableFromInline var server: Endpoint
        @usableFromInline var vlan: [Int]
        @usableFromInline var clientHello: ClientHelloRecord?
        @usableFromInline var retryClientHello: ClientHelloRecord?
        @usableFromInline var helloRetryRequest: ServerHelloRecord?
        @usableFromInline var serverHello: ServerHelloRecord?
        @usableFromInline var serverCertificates: [[UInt8]] = []
        @usableFromInline var serverCertificateFrame: UInt64?
        @usableFromInline var clientCertificates: [[UInt8]] = []
        @usableFromInline var clientCertificateFrame: UInt64?
        @usableFromInline var certificateRequest: CertificateRequest?
        @usableFromInline var certificateRequestFrame: UInt64?
        @usableFromInline var serverKeyExchangeGroup: NamedGroup?
        @usableFromInline var serverKeyExchangeDHBits: Int?
        @usableFromInline var newSessionTicket: NewSessionTicket?
        @usableFromInline var alerts: [AlertRecord] = []
        @usableFromInline var steps: [ExchangeStep] = []
        @usableFromInline var stepsOmitted: Int = 0
        @usableFromInline var anomalies: [Anomaly] = []
        @usableFromInline var malformed: [String] = []
        @usableFromInline var malformedRecords: Int = 0
        @usableFromInline var tlsBufferPeakBytes: Int = 0
        @usableFromInline var plaintextSample: [Side: String] = [:]
        @usableFromInline var plaintextSide: Side?
        @usableFromInline var decidedFrame: UInt64?
        @usableFromInline var end: String = ""
        @usableFromInline var clientRecordsAfterHandshake: Int = 0
        @usableFromInline var clientBytesAfterHandshake: Int = 0
        @usableFromInline var certificateSummaries: [CertificateSummary] = []
        @usableFromInline var clientCertificateSummaries: [CertificateSummary] = []
        @usableFromInline var chainAssessment: ChainAssessment?
        @usableFromInline var diagnoses: [Diagnosis] = []
        @usableFromInline var renderedJSON: RenderedJSON?
        @usableFromInline var sslv2CipherKind: UInt32?
        @usableFromInline var sslv2MasterKeySent: Bool = false
    }

    /// The fields, in a box its copies share until one of them changes a field
    /// (`CopyOnWrite`, as a hello's record keeps its facts). Records are equal, and hash
    /// alike, when their fields are (`CopyOnWrite`'s equality: at once for one box).
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// The fields, read in place, and changed in place once the box is this record's alone.
    @inlinable var fields: Fields {
        _read { yield storage.box.value }
        _modify {
            storage.makeUnique()
            yield &storage.box.value
        }
    }

    /// The fields, as test failures and debuggers show a record (not its box).
    public var debugDescription: String {
        let text = String(reflecting: fields)
        return "FlowRecord" + (text.firstIndex(of: "(").map { text[$0...] } ?? "()")
    }

    /// 1-based id in order of the flow's first packet, among reported flows (set at output).
    @inlinable public var id: Int {
        _read { yield storage.box.value.id }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.id
        }
    }
    /// Order of creation in the flow table (used to order output).
    @inlinable public var sequence: UInt64 {
        _read { yield storage.box.value.sequence }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.sequence
        }
    }
    /// Capture time of the first packet.
    @inlinable public var firstTimestamp: Timestamp {
        _read { yield storage.box.value.firstTimestamp }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.firstTimestamp
        }
    }
    /// Capture time of the last packet seen.
    @inlinable public var lastTimestamp: Timestamp {
        _read { yield storage.box.value.lastTimestamp }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.lastTimestamp
        }
    }
    /// First frame of the flow.
    @inlinable public var firstFrame: UInt64 {
        _read { yield storage.box.value.firstFrame }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.firstFrame
        }
    }
    /// Last frame of the flow seen.
    @inlinable public var lastFrame: UInt64 {
        _read { yield storage.box.value.lastFrame }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.lastFrame
        }
    }
    /// The side that sent the ClientHello (or the SYN, before any TLS).
    @inlinable public var client: Endpoint {
        _read { yield storage.box.value.client }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.client
        }
    }
    /// The other side.
    @inlinable public var server: Endpoint {
        _read { yield storage.box.value.server }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.server
        }
    }
    /// VLAN ids, outer first.
    @inlinable public var vlan: [Int] {
        _read { yield storage.box.value.vlan }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.vlan
        }
    }
    /// How the handshake ended.
    @inlinable public var outcome: Outcome {
        _read { yield storage.box.value.outcome }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.outcome
        }
    }
    /// Whether both sides moved to encrypted traffic.
    @inlinable public var established: Bool {
        _read { yield storage.box.value.established }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.established
        }
    }
    /// Whether the session was resumed (session id, ticket or PSK).
    @inlinable public var resumed: Bool {
        _read { yield storage.box.value.resumed }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.resumed
        }
    }
    /// The ClientHello (the first one, or after an HRR the second one is in `retryClientHello`).
    @inlinable public var clientHello: ClientHelloRecord? {
        _read { yield storage.box.value.clientHello }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.clientHello
        }
    }
    /// The second ClientHello after a HelloRetryRequest.
    @inlinable public var retryClientHello: ClientHelloRecord? {
        _read { yield storage.box.value.retryClientHello }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.retryClientHello
        }
    }
    /// The HelloRetryRequest, when one came.
    @inlinable public var helloRetryRequest: ServerHelloRecord? {
        _read { yield storage.box.value.helloRetryRequest }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.helloRetryRequest
        }
    }
    /// The ServerHello.
    @inlinable public var serverHello: ServerHelloRecord? {
        _read { yield storage.box.value.serverHello }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.serverHello
        }
    }
    /// Certificates the server sent, as DER, leaf first.
    @inlinable public var serverCertificates: [[UInt8]] {
        _read { yield storage.box.value.serverCertificates }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.serverCertificates
        }
    }
    /// Frame of the server's Certificate message.
    @inlinable public var serverCertificateFrame: UInt64? {
        _read { yield storage.box.value.serverCertificateFrame }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.serverCertificateFrame
        }
    }
    /// Certificates the client sent, as DER.
    @inlinable public var clientCertificates: [[UInt8]] {
        _read { yield storage.box.value.clientCertificates }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.clientCertificates
        }
    }
    /// Frame of the client's Certificate message.
    @inlinable public var clientCertificateFrame: UInt64? {
        _read { yield storage.box.value.clientCertificateFrame }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.clientCertificateFrame
        }
    }
    /// The server asked for a client certificate.
    @inlinable public var certificateRequest: CertificateRequest? {
        _read { yield storage.box.value.certificateRequest }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.certificateRequest
        }
    }
    /// Frame of the CertificateRequest.
    @inlinable public var certificateRequestFrame: UInt64? {
        _read { yield storage.box.value.certificateRequestFrame }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.certificateRequestFrame
        }
    }
    /// The ECDHE group from a ServerKeyExchange (TLS 1.2).
    @inlinable public var serverKeyExchangeGroup: NamedGroup? {
        _read { yield storage.box.value.serverKeyExchangeGroup }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.serverKeyExchangeGroup
        }
    }
    /// DHE prime size from a ServerKeyExchange.
    @inlinable public var serverKeyExchangeDHBits: Int? {
        _read { yield storage.box.value.serverKeyExchangeDHBits }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.serverKeyExchangeDHBits
        }
    }
    /// A NewSessionTicket came (TLS 1.2 in clear).
    @inlinable public var newSessionTicket: NewSessionTicket? {
        _read { yield storage.box.value.newSessionTicket }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.newSessionTicket
        }
    }
    /// Alerts in order.
    @inlinable public var alerts: [AlertRecord] {
        _read { yield storage.box.value.alerts }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.alerts
        }
    }
    /// The exchange in order, bounded (see `FlowSession.maxSteps`).
    @inlinable public var steps: [ExchangeStep] {
        _read { yield storage.box.value.steps }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.steps
        }
    }
    /// The bytes a record holds from its handshake, estimated on the high side: the
    /// plaintext handshake messages its steps list (the hellos, the certificates and the
    /// rest were parsed from them; at most `FlowSession.maxSteps` steps) plus the
    /// certificates' DER, counted again. What the finished records awaiting their batch
    /// (`FlowWorker`) are bounded by: hostile handshakes can make one hundreds of kilobytes.
    public var heldBytesEstimate: Int {
        var total = 0
        for step in storage.box.value.steps {
            switch step.kind.tag {
            case .handshake, .clientMasterKey, .sslv2Message: total &+= max(step.length, 0)
            default: break
            }
        }
        for der in storage.box.value.serverCertificates { total &+= der.count }
        for der in storage.box.value.clientCertificates { total &+= der.count }
        return total
    }
    /// Steps left out once the bound was reached.
    @inlinable public var stepsOmitted: Int {
        _read { yield storage.box.value.stepsOmitted }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.stepsOmitted
        }
    }
    /// TCP facts.
    @inlinable public var tcp: TCPFacts {
        _read { yield storage.box.value.tcp }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.tcp
        }
    }
    /// Oddities the peers showed.
    @inlinable public var anomalies: [Anomaly] {
        _read { yield storage.box.value.anomalies }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.anomalies
        }
    }
    /// Parse errors, as evidence lines ("frame 4: client record header invalid ...").
    @inlinable public var malformed: [String] {
        _read { yield storage.box.value.malformed }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.malformed
        }
    }
    /// Count of records or messages that did not parse.
    @inlinable public var malformedRecords: Int {
        _read { yield storage.box.value.malformedRecords }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.malformedRecords
        }
    }
    /// The most bytes of unfinished TLS data this flow held for one direction (a record body
    /// and a handshake message): bounded by `Limits`; counted in the summary, not printed per flow.
    @inlinable public var tlsBufferPeakBytes: Int {
        _read { yield storage.box.value.tlsBufferPeakBytes }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.tlsBufferPeakBytes
        }
    }
    /// The first bytes a side sent when it did not speak TLS (for not_tls evidence), as printable text.
    @inlinable public var plaintextSample: [Side: String] {
        _read { yield storage.box.value.plaintextSample }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.plaintextSample
        }
    }
    /// Which side spoke plaintext where TLS was expected.
    @inlinable public var plaintextSide: Side? {
        _read { yield storage.box.value.plaintextSide }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.plaintextSide
        }
    }
    /// TLS began after plaintext on the same connection (STARTTLS and similar upgrades).
    @inlinable public var upgradedFromPlaintext: Bool {
        _read { yield storage.box.value.upgradedFromPlaintext }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.upgradedFromPlaintext
        }
    }
    /// Frame where the handshake was decided (or nil when the flow ended undecided).
    @inlinable public var decidedFrame: UInt64? {
        _read { yield storage.box.value.decidedFrame }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.decidedFrame
        }
    }
    /// Whether any TLS record was seen.
    @inlinable public var sawTLS: Bool {
        _read { yield storage.box.value.sawTLS }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.sawTLS
        }
    }
    /// Why the flow left the table.
    @inlinable public var end: String {
        _read { yield storage.box.value.end }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.end
        }
    }
    /// Encrypted records the client sent after the handshake was decided (capped at 255).
    @inlinable public var clientRecordsAfterHandshake: Int {
        _read { yield storage.box.value.clientRecordsAfterHandshake }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.clientRecordsAfterHandshake
        }
    }
    /// Their body bytes.
    @inlinable public var clientBytesAfterHandshake: Int {
        _read { yield storage.box.value.clientBytesAfterHandshake }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.clientBytesAfterHandshake
        }
    }

    /// A client that finished the handshake and closed without sending a request:
    /// some clients (curl, node) check the certificate only then, so this may be a
    /// rejection the wire cannot prove.
    public var closedRightAfterHandshake: Bool {
        guard outcome == .established, tcp.clientFIN || tcp.clientRST else { return false }
        if version?.isTLS13OrDraft ?? false {
            // TLS 1.3 hides the type: at most one alert-sized record.
            return clientRecordsAfterHandshake <= 1 && clientBytesAfterHandshake <= 24
        }
        // Before TLS 1.3 alerts show their type: no application data from the client at all.
        return clientRecordsAfterHandshake == 0
    }

    /// Summaries of the server's certificates, leaf first (filled in once the flow ends).
    @inlinable public var certificateSummaries: [CertificateSummary] {
        _read { yield storage.box.value.certificateSummaries }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.certificateSummaries
        }
    }
    /// Summaries of the client's certificates (mTLS).
    @inlinable public var clientCertificateSummaries: [CertificateSummary] {
        _read { yield storage.box.value.clientCertificateSummaries }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.clientCertificateSummaries
        }
    }
    /// The server's chain judged at the capture time: trust, name, dates, order.
    @inlinable public var chainAssessment: ChainAssessment? {
        _read { yield storage.box.value.chainAssessment }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.chainAssessment
        }
    }
    /// What went wrong, when anything did (filled in by the diagnosis rules).
    @inlinable public var diagnoses: [Diagnosis] {
        _read { yield storage.box.value.diagnoses }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.diagnoses
        }
    }
    /// The record's NDJSON without its id and diagnoses, rendered where the flow finished
    /// (a shard's thread) so that the thread writing the output only adds those; nil when not
    /// rendered ahead. Nothing but `id`, `sequence` and `diagnoses` may change after it is set.
    @inlinable public var renderedJSON: RenderedJSON? {
        _read { yield storage.box.value.renderedJSON }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.renderedJSON
        }
    }

    /// Creates an empty record for a flow.
    public init(
        sequence: UInt64, firstTimestamp: Timestamp, firstFrame: UInt64, client: Endpoint, server: Endpoint, vlan: [Int]
    ) {
        storage = CopyOnWrite(
            wrappedValue: Fields(
                sequence: sequence, firstTimestamp: firstTimestamp, lastTimestamp: firstTimestamp,
                firstFrame: firstFrame, lastFrame: firstFrame, client: client, server: server, vlan: vlan))
    }

    /// Swaps the client and server endpoints (the first packet came from the server).
    public mutating func swapEndpoints() {
        let client = self.client
        self.client = server
        server = client
    }

    /// Whether a ClientHello was seen. A test of the case, not `!= nil`, which copies the
    /// hello (and retains each of its arrays) on the per-packet path.
    @inlinable public var hasClientHello: Bool {
        if case .some = fields.clientHello { return true }
        return false
    }

    /// Whether a ServerHello was seen (tested like `hasClientHello`).
    @inlinable public var hasServerHello: Bool {
        if case .some = fields.serverHello { return true }
        return false
    }

    /// The negotiated version (ServerHello), when there was one.
    @inlinable public var version: ProtocolVersion? { fields.serverHello?.hello.selectedVersion }
    /// The negotiated cipher suite.
    @inlinable public var cipher: CipherSuite? { fields.serverHello?.hello.cipherSuite }
    /// For SSL 2.0: the cipher kind chosen in the CLIENT-MASTER-KEY (or offered first by the server).
    @inlinable public var sslv2CipherKind: UInt32? {
        _read { yield storage.box.value.sslv2CipherKind }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.sslv2CipherKind
        }
    }
    /// For SSL 2.0: the client sent its CLIENT-MASTER-KEY.
    @inlinable public var sslv2MasterKeySent: Bool {
        _read { yield storage.box.value.sslv2MasterKeySent }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.sslv2MasterKeySent
        }
    }
    /// The negotiated cipher as text: its IANA name, an SSL 2.0 kind name, or hex.
    public var cipherName: String? {
        if let kind = sslv2CipherKind { return SSLv2CipherKind(rawValue: kind).description }
        return cipher?.description
    }
    /// The negotiated cipher's numeric code (3 bytes for SSL 2.0 kinds).
    public var cipherCode: Int? {
        if let kind = sslv2CipherKind { return Int(kind) }
        return cipher.map { Int($0.rawValue) }
    }
    /// The negotiated group: the server's key share (TLS 1.3) or ServerKeyExchange curve.
    @inlinable public var curve: NamedGroup? {
        fields.serverHello?.hello.keyShareGroup ?? fields.serverKeyExchangeGroup
    }
    /// The SNI of the (first) ClientHello.
    @inlinable public var serverName: String? { fields.clientHello?.hello.extensions.serverName }
    /// The negotiated ALPN protocol.
    @inlinable public var nextProtocol: String? { fields.serverHello?.hello.selectedALPN }
    /// Seconds from the first to the last packet seen.
    public var duration: Double { lastTimestamp.seconds(since: firstTimestamp) }
}

/// A flow record's NDJSON rendered ahead: either in two runs of members (what comes
/// between the id and the diagnoses, and what follows the diagnoses), or as the whole line.
public struct RenderedJSON: Sendable, Hashable {
    /// Members from `ts` to `tcp`, comma-separated, without braces.
    public var head: JSONRuns
    /// Members from `hello_retry_request` to `end`, comma-separated, without braces.
    public var tail: JSONRuns
    /// The whole object (without the newline), once id and diagnoses are known; nil before.
    public var line: JSONRuns?

    /// The two runs.
    public init(head: JSONRuns, tail: JSONRuns) {
        self.head = head
        self.tail = tail
    }

    /// The whole line.
    public init(line: JSONRuns) {
        head = JSONRuns(own: [])
        tail = JSONRuns(own: [])
        self.line = line
    }

    /// The whole line, in one run.
    public init(line: [UInt8]) {
        self.init(line: JSONRuns(own: line))
    }
}

/// JSON text in runs: a line's own bytes, and between them runs rendered ahead that the line
/// shares with other lines (a ClientHello's lists, a certificate's object), held by reference
/// instead of copied into each line. A line waiting for an earlier flow to end keeps only
/// its own bytes (about two thirds of it on the handshake benchmark).
public struct JSONRuns: Sendable, Hashable {
    /// A shared run, placed before `own[offset]` (after the last own byte when `offset` is
    /// `own.count`).
    public struct Shared: Sendable {
        /// The own byte it comes before.
        public var offset: Int
        /// The run, as kept by the cache that shares it.
        public var bytes: [UInt8]

        /// The run `bytes` before `own[offset]`.
        public init(offset: Int, bytes: [UInt8]) {
            self.offset = offset
            self.bytes = bytes
        }
    }

    /// The bytes of this text alone.
    public var own: [UInt8]
    /// The shared runs, by offset (two at one offset follow each other in this order).
    public var shared: [Shared]

    /// `own` with `shared` placed between its bytes.
    public init(own: [UInt8], shared: [Shared] = []) {
        self.own = own
        self.shared = shared
    }

    /// Bytes in all, shared runs included.
    public var count: Int {
        var total = own.count
        for run in shared { total += run.bytes.count }
        return total
    }

    /// Calls `body` with each run of the text in order (own bytes and shared runs
    /// alternating; empty runs left out). An offset past the own bytes counts as their end.
    public func forEachRun(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        forEachPiece { array, range, _ in
            array.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
        }
    }

    /// Calls `body` with each run of the text in order, as the array that holds it, its
    /// range there and whether it is a part of `own` (else a whole shared run); empty runs
    /// left out. A caller may so keep the own bytes where they lie instead of copying them.
    public func forEachPiece(_ body: (_ array: [UInt8], _ range: Range<Int>, _ isOwn: Bool) -> Void) {
        var start = 0
        for run in shared {
            let end = min(max(run.offset, start), own.count)
            if end > start { body(own, start..<end, true) }
            if !run.bytes.isEmpty { body(run.bytes, 0..<run.bytes.count, false) }
            start = end
        }
        if start < own.count { body(own, start..<own.count, true) }
    }

    /// The whole text in one array.
    public var bytes: [UInt8] {
        var joined: [UInt8] = []
        joined.reserveCapacity(count)
        forEachRun { joined.append(contentsOf: $0) }
        return joined
    }

    /// Equal when the texts are, however they are split.
    public static func == (lhs: JSONRuns, rhs: JSONRuns) -> Bool { lhs.bytes == rhs.bytes }

    /// Hashes the text, however it is split.
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}
