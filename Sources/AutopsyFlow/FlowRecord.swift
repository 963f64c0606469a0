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
public struct ClientHelloRecord: Sendable, Hashable {
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

    /// Creates the record part.
    public init(frame: UInt64, timestamp: Timestamp, recordVersion: ProtocolVersion, hello: ClientHello) {
        self.frame = frame
        self.timestamp = timestamp
        self.recordVersion = recordVersion
        self.hello = hello
    }
}

extension ClientHelloRecord {
    /// Fills in JA3 and JA4 from the hello (from `cache` when one is given).
    mutating func fingerprint(_ cache: FingerprintCache?) {
        guard let cache else {
            ja3String = JA3.string(hello)
            ja3 = JA3.hash(hello)
            ja4 = JA4.fingerprint(hello)
            return
        }
        let prints = cache.client(hello)
        ja3String = prints.ja3String
        ja3 = prints.ja3
        ja4 = prints.ja4
    }
}

/// The ServerHello (or HelloRetryRequest) facts of the flow record.
public struct ServerHelloRecord: Sendable, Hashable {
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

    /// Creates the record part.
    public init(frame: UInt64, timestamp: Timestamp, hello: ServerHello) {
        self.frame = frame
        self.timestamp = timestamp
        self.hello = hello
    }

    /// The record part with its JA3S.
    init(frame: UInt64, timestamp: Timestamp, hello: consuming ServerHello, _ prints: FingerprintCache.Server) {
        self.frame = frame
        self.timestamp = timestamp
        self.hello = hello
        ja3s = prints.ja3s
        ja3sString = prints.ja3sString
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
    /// What it was: a handshake type name (`client_hello`), `change_cipher_spec`,
    /// `alert`, `encrypted_alert`, `encrypted_handshake`, `application_data`.
    public var kind: String
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
public struct FlowRecord: Sendable, Hashable {
    /// 1-based id in order of the flow's first packet, among reported flows (set at output).
    public var id = 0
    /// Order of creation in the flow table (used to order output).
    public var sequence: UInt64
    /// Capture time of the first packet.
    public var firstTimestamp: Timestamp
    /// Capture time of the last packet seen.
    public var lastTimestamp: Timestamp
    /// First frame of the flow.
    public var firstFrame: UInt64
    /// Last frame of the flow seen.
    public var lastFrame: UInt64
    /// The side that sent the ClientHello (or the SYN, before any TLS).
    public var client: Endpoint
    /// The other side.
    public var server: Endpoint
    /// VLAN ids, outer first.
    public var vlan: [Int]
    /// How the handshake ended.
    public var outcome: Outcome = .incomplete
    /// Whether both sides moved to encrypted traffic.
    public var established = false
    /// Whether the session was resumed (session id, ticket or PSK).
    public var resumed = false
    /// The ClientHello (the first one, or after an HRR the second one is in `retryClientHello`).
    public var clientHello: ClientHelloRecord?
    /// The second ClientHello after a HelloRetryRequest.
    public var retryClientHello: ClientHelloRecord?
    /// The HelloRetryRequest, when one came.
    public var helloRetryRequest: ServerHelloRecord?
    /// The ServerHello.
    public var serverHello: ServerHelloRecord?
    /// Certificates the server sent, as DER, leaf first.
    public var serverCertificates: [[UInt8]] = []
    /// Frame of the server's Certificate message.
    public var serverCertificateFrame: UInt64?
    /// Certificates the client sent, as DER.
    public var clientCertificates: [[UInt8]] = []
    /// Frame of the client's Certificate message.
    public var clientCertificateFrame: UInt64?
    /// The server asked for a client certificate.
    public var certificateRequest: CertificateRequest?
    /// Frame of the CertificateRequest.
    public var certificateRequestFrame: UInt64?
    /// The ECDHE group from a ServerKeyExchange (TLS 1.2).
    public var serverKeyExchangeGroup: NamedGroup?
    /// DHE prime size from a ServerKeyExchange.
    public var serverKeyExchangeDHBits: Int?
    /// A NewSessionTicket came (TLS 1.2 in clear).
    public var newSessionTicket: NewSessionTicket?
    /// Alerts in order.
    public var alerts: [AlertRecord] = []
    /// The exchange in order, bounded (see `FlowSession.maxSteps`).
    public var steps: [ExchangeStep] = []
    /// Steps left out once the bound was reached.
    public var stepsOmitted = 0
    /// TCP facts.
    public var tcp = TCPFacts()
    /// Oddities the peers showed.
    public var anomalies: [Anomaly] = []
    /// Parse errors, as evidence lines ("frame 4: client record header invalid ...").
    public var malformed: [String] = []
    /// Count of records or messages that did not parse.
    public var malformedRecords = 0
    /// The most bytes of unfinished TLS data this flow held for one direction (a record body
    /// and a handshake message): bounded by `Limits`; counted in the summary, not printed per flow.
    public var tlsBufferPeakBytes = 0
    /// The first bytes a side sent when it did not speak TLS (for not_tls evidence), as printable text.
    public var plaintextSample: [Side: String] = [:]
    /// Which side spoke plaintext where TLS was expected.
    public var plaintextSide: Side?
    /// TLS began after plaintext on the same connection (STARTTLS and similar upgrades).
    public var upgradedFromPlaintext = false
    /// Frame where the handshake was decided (or nil when the flow ended undecided).
    public var decidedFrame: UInt64?
    /// Whether any TLS record was seen.
    public var sawTLS = false
    /// Why the flow left the table.
    public var end: String = ""
    /// Encrypted records the client sent after the handshake was decided (capped at 255).
    public var clientRecordsAfterHandshake = 0
    /// Their body bytes.
    public var clientBytesAfterHandshake = 0

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
    public var certificateSummaries: [CertificateSummary] = []
    /// Summaries of the client's certificates (mTLS).
    public var clientCertificateSummaries: [CertificateSummary] = []
    /// The server's chain judged at the capture time: trust, name, dates, order.
    public var chainAssessment: ChainAssessment?
    /// What went wrong, when anything did (filled in by the diagnosis rules).
    public var diagnoses: [Diagnosis] = []
    /// The record's NDJSON without its id and diagnoses, rendered where the flow finished
    /// (a shard's thread) so that the thread writing the output only adds those; nil when not
    /// rendered ahead. Nothing but `id`, `sequence` and `diagnoses` may change after it is set.
    public var renderedJSON: RenderedJSON?

    /// Creates an empty record for a flow.
    public init(
        sequence: UInt64, firstTimestamp: Timestamp, firstFrame: UInt64, client: Endpoint, server: Endpoint, vlan: [Int]
    ) {
        self.sequence = sequence
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = firstTimestamp
        self.firstFrame = firstFrame
        self.lastFrame = firstFrame
        self.client = client
        self.server = server
        self.vlan = vlan
    }

    /// Moves the record out, leaving an empty one with the same endpoints in its place: a
    /// record holds dozens of references, and a copy retains (then releases) every one.
    public mutating func moveOut() -> FlowRecord {
        var moved = FlowRecord(
            sequence: sequence, firstTimestamp: firstTimestamp, firstFrame: firstFrame, client: client,
            server: server, vlan: [])
        swap(&moved, &self)
        return moved
    }

    /// Whether a ClientHello was seen. A test of the case, not `!= nil`, which copies the
    /// hello (and retains each of its arrays) on the per-packet path.
    public var hasClientHello: Bool {
        if case .some = clientHello { return true }
        return false
    }

    /// Whether a ServerHello was seen (tested like `hasClientHello`).
    public var hasServerHello: Bool {
        if case .some = serverHello { return true }
        return false
    }

    /// The negotiated version (ServerHello), when there was one.
    public var version: ProtocolVersion? { serverHello?.hello.selectedVersion }
    /// The negotiated cipher suite.
    public var cipher: CipherSuite? { serverHello?.hello.cipherSuite }
    /// For SSL 2.0: the cipher kind chosen in the CLIENT-MASTER-KEY (or offered first by the server).
    public var sslv2CipherKind: UInt32?
    /// For SSL 2.0: the client sent its CLIENT-MASTER-KEY.
    public var sslv2MasterKeySent = false
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
    public var curve: NamedGroup? { serverHello?.hello.keyShareGroup ?? serverKeyExchangeGroup }
    /// The SNI of the (first) ClientHello.
    public var serverName: String? { clientHello?.hello.extensions.serverName }
    /// The negotiated ALPN protocol.
    public var nextProtocol: String? { serverHello?.hello.selectedALPN }
    /// Seconds from the first to the last packet seen.
    public var duration: Double { lastTimestamp.seconds(since: firstTimestamp) }
}

/// A flow record's NDJSON rendered ahead: either in two runs of members (what comes between
/// the id and the diagnoses, and what follows the diagnoses), or as the whole line.
///
/// Each is a list of pieces, in order: parts that recur from flow to flow (a client stack's
/// lists, a server's certificates) are the renderer's own arrays, shared and not copied, so
/// a line waiting for output holds little more than what is its own.
public struct RenderedJSON: Sendable, Hashable {
    /// Members from `ts` to `tcp`, comma-separated, without braces.
    public var head: [[UInt8]]
    /// Members from `hello_retry_request` to `end`, comma-separated, without braces.
    public var tail: [[UInt8]]
    /// The whole object (without the newline), once id and diagnoses are known; nil before.
    public var line: [[UInt8]]?

    /// The two runs.
    public init(head: [[UInt8]], tail: [[UInt8]]) {
        self.head = head
        self.tail = tail
    }

    /// The whole line.
    public init(line: [[UInt8]]) {
        head = []
        tail = []
        self.line = line
    }

    /// The bytes of a list of pieces.
    public static func count(_ pieces: [[UInt8]]) -> Int { pieces.reduce(0) { $0 + $1.count } }
}
