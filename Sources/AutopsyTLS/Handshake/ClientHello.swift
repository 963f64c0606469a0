/// A ClientHello (RFC 8446, section 4.1.2; RFC 5246, section 7.4.1.2):
///
/// ```
/// struct {
///     ProtocolVersion legacy_version;
///     Random random;
///     opaque legacy_session_id<0..32>;
///     CipherSuite cipher_suites<2..2^16-2>;
///     opaque legacy_compression_methods<1..2^8-1>;
///     Extension extensions<8..2^16-1>;
/// } ClientHello;
/// ```
/// Also built from an SSL 2.0 CLIENT-HELLO (RFC 6101, appendix E.1).
public struct ClientHello: Sendable, Hashable {
    /// `legacy_version` (the highest version before TLS 1.3's supported_versions).
    public var legacyVersion: ProtocolVersion
    /// The 32-byte random (SSL 2.0: the challenge, 16 to 32 bytes), held in place.
    public var random: ShortBytes
    /// The legacy session id (resumption by id before TLS 1.3; 0 to 32 bytes), held in place.
    public var sessionID: ShortBytes
    /// Offered cipher suites in wire order, GREASE included.
    public var cipherSuites: [CipherSuite] = []
    /// SSL 2.0 cipher kinds offered in an SSL 2.0 CLIENT-HELLO (3-byte codes whose first byte is not 0).
    public var sslv2CipherKinds: [UInt32] = []
    /// Every cipher spec of an SSL 2.0 CLIENT-HELLO, TLS suites (first byte 0) included, in wire order.
    public var sslv2CipherSpecs: [UInt32] = []
    /// Offered compression methods.
    public var compressionMethods: [UInt8] = []
    /// Extensions, as they came.
    public var extensions = HelloExtensions()
    /// Whether this came as an SSL 2.0-compatible CLIENT-HELLO.
    public var isSSLv2Compatible = false
    /// Oddities seen while parsing.
    public var anomalies: [Anomaly] = []

    /// Creates an empty hello with the given fixed fields.
    public init(legacyVersion: ProtocolVersion, random: ShortBytes, sessionID: ShortBytes) {
        self.legacyVersion = legacyVersion
        self.random = random
        self.sessionID = sessionID
    }

    /// The versions offered: supported_versions when present (GREASE dropped), else `legacy_version`.
    public var offeredVersions: [ProtocolVersion] {
        if let versions = extensions.supportedVersions {
            return versions.filter { !$0.isGREASE }
        }
        return [legacyVersion]
    }

    /// The highest real version offered (by `ProtocolVersion.ordinal`, the first of equals;
    /// nil when none is known): the most of `offeredVersions`, without building the list.
    public var highestOfferedVersion: ProtocolVersion? {
        var best: ProtocolVersion?
        var bestOrdinal = -1
        func consider(_ version: ProtocolVersion) {
            // GREASE, DTLS and unknown values have no ordinal.
            guard let ordinal = version.ordinal, ordinal > bestOrdinal else { return }
            best = version
            bestOrdinal = ordinal
        }
        if let versions = extensions.supportedVersions {
            for version in versions { consider(version) }
        } else {
            consider(legacyVersion)
        }
        return best
    }

    /// Whether TLS 1.3 or one of its drafts is among `offeredVersions`.
    public var offersTLS13OrDraft: Bool {
        if let versions = extensions.supportedVersions { return versions.contains { $0.isTLS13OrDraft } }
        return legacyVersion.isTLS13OrDraft
    }

    /// Parses a ClientHello message body (after the 4-byte handshake header).
    public static func parse(_ body: [UInt8]) throws(ParseError) -> ClientHello {
        try parse(ByteCursor(body))
    }

    /// The same, read from a cursor over the body (a message read in place).
    public static func parse(_ body: ByteCursor) throws(ParseError) -> ClientHello {
        var hello = ClientHello(legacyVersion: ProtocolVersion(rawValue: 0), random: [], sessionID: [])
        try parse(body, into: &hello)
        return hello
    }

    /// The same, into `hello` (a new one, which a throw leaves half filled). Filled where it
    /// lies: a hello built here and returned was copied whole on the way out (a dozen
    /// arrays retained, then released). With `lists`, the lists a recent hello offered
    /// alike are that hello's arrays (`HelloListCache`).
    public static func parse(
        _ body: ByteCursor, into hello: inout ClientHello, lists: HelloListCache? = nil
    ) throws(ParseError) {
        var cursor = body
        hello.legacyVersion = ProtocolVersion(rawValue: try cursor.readUInt16("legacy_version"))
        hello.random = try cursor.readShortBytes(count: 32, "random")
        hello.sessionID = try cursor.withVector(lengthBytes: 1, allowed: 0...32, "legacy_session_id") {
            (id) throws(ParseError) in try id.readShortBytes(count: id.remaining, "legacy_session_id")
        }
        hello.cipherSuites = try cursor.withVector(lengthBytes: 2, allowed: 2...0xfffe, "cipher_suites") {
            (suites) throws(ParseError) in
            try HelloListCache.read(&suites, "cipher_suites", lists?.cipherSuites, CipherSuite.init(rawValue:))
        }
        hello.compressionMethods = try cursor.withVector(
            lengthBytes: 1, allowed: 1...0xff, "legacy_compression_methods"
        ) { SharedLists.bytes(&$0) }
        // Extensions are optional before TLS 1.2 (RFC 5246, 7.4.1.2): absent when nothing is left.
        if !cursor.isAtEnd {
            try cursor.withVector(lengthBytes: 2, allowed: 0...0xffff, "extensions") {
                (extensions) throws(ParseError) in
                try HelloExtensions.parse(
                    &extensions, side: .client, anomalies: &hello.anomalies, into: &hello.extensions, lists: lists)
            }
        }
        if !cursor.isAtEnd {
            hello.anomalies.append(Anomaly(.trailingBytes, detail: "client_hello"))
        }
    }

    /// Parses an SSL 2.0 CLIENT-HELLO message (RFC 6101, appendix E.1), starting at its
    /// msg_type byte (1):
    ///
    /// ```
    /// char MSG-CLIENT-HELLO; char CLIENT-VERSION-MSB; char CLIENT-VERSION-LSB;
    /// char CIPHER-SPECS-LENGTH-MSB/LSB; char SESSION-ID-LENGTH-MSB/LSB;
    /// char CHALLENGE-LENGTH-MSB/LSB; char CIPHER-SPECS-DATA[]; char SESSION-ID-DATA[]; char CHALLENGE-DATA[]
    /// ```
    public static func parseSSLv2(_ message: [UInt8]) throws(ParseError) -> ClientHello {
        var cursor = ByteCursor(message)
        let type = try cursor.readUInt8("sslv2.msg_type")
        guard type == 1 else {
            throw ParseError(kind: .invalidValue(UInt64(type)), field: "sslv2.msg_type", offset: 0)
        }
        let version = ProtocolVersion(rawValue: try cursor.readUInt16("sslv2.version"))
        let specsLength = Int(try cursor.readUInt16("sslv2.cipher_specs_length"))
        let sessionLength = Int(try cursor.readUInt16("sslv2.session_id_length"))
        let challengeLength = Int(try cursor.readUInt16("sslv2.challenge_length"))
        guard specsLength % 3 == 0 else {
            throw ParseError(
                kind: .invalidValue(UInt64(specsLength)), field: "sslv2.cipher_specs_length", offset: 3)
        }
        guard sessionLength == 0 || sessionLength == 16 else {
            throw ParseError(kind: .invalidValue(UInt64(sessionLength)), field: "sslv2.session_id_length", offset: 5)
        }
        guard (16...32).contains(challengeLength) else {
            throw ParseError(
                kind: .lengthOutOfRange(length: challengeLength, allowed: 16...32), field: "sslv2.challenge_length",
                offset: 7)
        }
        var specs = try cursor.readCursor(count: specsLength, "sslv2.cipher_specs")
        let sessionID = try cursor.readShortBytes(count: sessionLength, "sslv2.session_id")
        let challenge = try cursor.readShortBytes(count: challengeLength, "sslv2.challenge")
        try cursor.expectEnd("sslv2.client_hello")
        var hello = ClientHello(legacyVersion: version, random: challenge, sessionID: sessionID)
        hello.isSSLv2Compatible = true
        hello.compressionMethods = [0]
        while !specs.isAtEnd {
            let high = try specs.readUInt8("sslv2.cipher_spec")
            let low = try specs.readUInt16("sslv2.cipher_spec")
            hello.sslv2CipherSpecs.append(UInt32(high) << 16 | UInt32(low))
            if high == 0 {
                hello.cipherSuites.append(CipherSuite(rawValue: low))
            } else {
                hello.sslv2CipherKinds.append(UInt32(high) << 16 | UInt32(low))
            }
        }
        return hello
    }
}
