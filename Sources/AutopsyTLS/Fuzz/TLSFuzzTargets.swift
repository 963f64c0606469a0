/// What one fuzz input did: how much of it parsed, and any broken invariant.
///
/// A harness never traps on its own: it reports a broken invariant here, and the libFuzzer
/// driver (`Tests/Fuzz`) aborts on it so that libFuzzer saves the input, while `swift test`
/// replaying the seeds expects none.
public struct FuzzOutcome: Sendable, Hashable {
    /// Structures that parsed (records, messages, certificates, packets, flows).
    public var parsed = 0
    /// Inputs or parts of inputs refused with a ParseError (or the stage's own error).
    public var refused = 0
    /// Invariants that did not hold: each is a bug, whatever the input.
    public var violations: [String] = []

    /// Nothing counted yet.
    public init() {}

    /// Adds another outcome's counts.
    public mutating func merge(_ other: FuzzOutcome) {
        parsed += other.parsed
        refused += other.refused
        violations += other.violations
    }

    /// Counts one parse attempt.
    public mutating func count<T>(_ attempt: () throws(ParseError) -> T) -> T? {
        do {
            let value = try attempt()
            parsed += 1
            return value
        } catch {
            refused += 1
            return nil
        }
    }
}

/// The bodies of the libFuzzer targets for the record layer and the handshake parsers.
///
/// Each function takes arbitrary bytes and returns; `Tests/Fuzz` wraps them for libFuzzer
/// and the test suite replays `Fixtures/fuzz-seeds/` through them.
public enum TLSFuzzTargets {
    /// One direction's byte stream: deframed whole and again in pieces whose sizes come from
    /// the first byte (the two must give the same records), handshake records joined into
    /// messages, each message handed to its parser, alerts joined.
    public static func records(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let whole = deframe(data, pieceSize: data.count, outcome: &outcome)
        let pieceSize = 1 + Int(data.first ?? 0) % 7
        var dripped = FuzzOutcome()
        let pieces = deframe(data, pieceSize: pieceSize, outcome: &dripped)
        if whole != pieces {
            outcome.violations.append(
                "deframing in pieces of \(pieceSize) gave \(pieces.count) records, all at once \(whole.count)")
        }
        return outcome
    }

    /// A ClientHello body, as TLS (RFC 8446 4.1.2) and as an SSL 2.0 CLIENT-HELLO; as TLS
    /// again through a list cache, twice (kept, then found), which must read the same.
    public static func clientHello(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        if let hello = outcome.count({ () throws(ParseError) in try ClientHello.parse(data) }) {
            checkClientHello(hello, &outcome)
        }
        let alone = parsed(data, lists: nil)
        let lists = HelloListCache()
        for pass in ["first", "second"] where parsed(data, lists: lists) != alone {
            outcome.violations.append("the ClientHello read through a list cache (\(pass) pass) differs")
        }
        _ = outcome.count { () throws(ParseError) in try ClientHello.parseSSLv2(data) }
        return outcome
    }

    static func parsed(_ data: [UInt8], lists: HelloListCache?) -> Result<ClientHello, ParseError> {
        Result { () throws(ParseError) in
            var hello = ClientHello(legacyVersion: ProtocolVersion(rawValue: 0), random: [], sessionID: [])
            try ClientHello.parse(ByteCursor(data), into: &hello, lists: lists)
            return hello
        }
    }

    /// A ServerHello body (or HelloRetryRequest), as TLS and as an SSL 2.0 SERVER-HELLO.
    public static func serverHello(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        _ = outcome.count { () throws(ParseError) in try ServerHello.parse(data) }
        _ = outcome.count { () throws(ParseError) in try ServerHello.parseSSLv2(data) }
        return outcome
    }

    /// The other messages the analyzer reads: Certificate (TLS 1.2 and 1.3 forms),
    /// CertificateRequest (both forms), ServerKeyExchange (both) and NewSessionTicket.
    public static func serverMessages(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        for tls13 in [false, true] {
            if let message = outcome.count({ () throws(ParseError) in try CertificateMessage.parse(data, tls13: tls13) }
            ) {
                let total = message.certificates.reduce(0) { $0 + $1.count }
                if total > data.count {
                    outcome.violations.append("Certificate holds \(total) bytes of certificates from \(data.count)")
                }
            }
            // Through a table of recent certificates, twice (the second pass finds them kept):
            // the same certificates, or the same error, as read alone.
            let alone = Result { () throws(ParseError) in try CertificateMessage.parse(data, tls13: tls13) }
            let kept = RecentCertificates()
            for pass in ["first", "second"] {
                let read = Result { () throws(ParseError) in
                    try CertificateMessage.parse(ByteCursor(data), tls13: tls13, kept: kept)
                }
                if read != alone {
                    outcome.violations.append("the Certificate read through recent certificates (\(pass) pass) differs")
                }
            }
            _ = outcome.count { () throws(ParseError) in try CertificateRequest.parse(data, tls12: !tls13) }
            _ = outcome.count { () throws(ParseError) in try ServerKeyExchange.parse(data, dhe: tls13) }
        }
        _ = outcome.count { () throws(ParseError) in try NewSessionTicket.parse(data) }
        return outcome
    }

    /// One record as the deframer reported it, for comparing two deframings.
    struct RecordShape: Equatable {
        var contentType: UInt8
        var length: Int
        var isSSLv2: Bool
        var offset: UInt64
        var body: [UInt8]?
    }

    /// Deframes `data` in pieces of `pieceSize`, turning encrypted after a change_cipher_spec
    /// as a flow does, and parses what the records hold.
    static func deframe(_ data: [UInt8], pieceSize: Int, outcome: inout FuzzOutcome) -> [RecordShape] {
        var deframer = RecordDeframer(maxBodyBytes: 18 * 1024)
        var joiner = HandshakeJoiner(maxMessageBytes: 64 * 1024)
        var alerts = AlertJoiner()
        var shapes: [RecordShape] = []
        var mode = DeframerMode.plaintext
        var start = 0
        while start < data.count {
            let end = min(start + max(pieceSize, 1), data.count)
            deframer.feed(data.span.extracting(start..<end)) { record in
                shapes.append(
                    RecordShape(
                        contentType: record.header.contentType.rawValue, length: record.header.length,
                        isSSLv2: record.isSSLv2, offset: record.streamOffset, body: record.body))
                outcome.parsed += 1
                guard let body = record.body else { return mode }
                if record.isSSLv2 {
                    _ = outcome.count { () throws(ParseError) in try ClientHello.parseSSLv2(body) }
                    _ = outcome.count { () throws(ParseError) in try ServerHello.parseSSLv2(body) }
                    return mode
                }
                switch record.header.contentType {
                case .handshake:
                    joiner.append(body) { message in outcome.merge(parse(message)) }
                case .alert:
                    alerts.append(body) { _ in outcome.parsed += 1 }
                case .changeCipherSpec:
                    mode = .encrypted
                default:
                    break
                }
                return mode
            }
            start = end
        }
        if deframer.streamOffset > UInt64(data.count) {
            outcome.violations.append("the deframer consumed \(deframer.streamOffset) bytes of \(data.count)")
        }
        if deframer.error != nil { outcome.refused += 1 }
        return shapes
    }

    /// Hands one handshake message to the parser of its type.
    static func parse(_ message: HandshakeMessage) -> FuzzOutcome {
        switch message.type {
        case .clientHello: return clientHello(message.body)
        case .serverHello: return serverHello(message.body)
        case .certificate, .certificateRequest, .serverKeyExchange, .newSessionTicket:
            return serverMessages(message.body)
        default:
            var outcome = FuzzOutcome()
            outcome.parsed += 1
            return outcome
        }
    }

    /// What a parsed ClientHello must satisfy whatever the bytes.
    static func checkClientHello(_ hello: ClientHello, _ outcome: inout FuzzOutcome) {
        if hello.random.count != 32 {
            outcome.violations.append("ClientHello random of \(hello.random.count) bytes")
        }
        if hello.sessionID.count > 32 {
            outcome.violations.append("ClientHello session id of \(hello.sessionID.count) bytes")
        }
    }
}
