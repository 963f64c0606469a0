/// A ServerHello or HelloRetryRequest (RFC 8446, sections 4.1.3 and 4.1.4):
///
/// ```
/// struct {
///     ProtocolVersion legacy_version = 0x0303;
///     Random random;
///     opaque legacy_session_id_echo<0..32>;
///     CipherSuite cipher_suite;
///     uint8 legacy_compression_method = 0;
///     Extension extensions<6..2^16-1>;
/// } ServerHello;
/// ```
/// A HelloRetryRequest is a ServerHello whose random is the SHA-256 of
/// "HelloRetryRequest" (RFC 8446, 4.1.3).
public struct ServerHello: Sendable, Hashable {
    /// `legacy_version` (the negotiated version before TLS 1.3).
    public var legacyVersion: ProtocolVersion
    /// The 32-byte random (SSL 2.0: the connection id, its first 32 bytes), held in place.
    public var random: ShortBytes
    /// The session id echoed or assigned (0 to 32 bytes), held in place.
    public var sessionID: ShortBytes
    /// The chosen cipher suite.
    public var cipherSuite: CipherSuite
    /// The chosen compression method.
    public var compressionMethod: UInt8
    /// Extensions, as they came.
    public var extensions = HelloExtensions()
    /// Whether this is a HelloRetryRequest.
    public var isHelloRetryRequest = false
    /// Whether this came as an SSL 2.0 SERVER-HELLO.
    public var isSSLv2 = false
    /// Oddities seen while parsing.
    public var anomalies: [Anomaly] = []

    /// The special random that marks a HelloRetryRequest (RFC 8446, 4.1.3).
    public static let helloRetryRequestRandom: ShortBytes = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    ]

    /// Creates a hello with the given fixed fields.
    public init(
        legacyVersion: ProtocolVersion, random: ShortBytes, sessionID: ShortBytes, cipherSuite: CipherSuite,
        compressionMethod: UInt8
    ) {
        self.legacyVersion = legacyVersion
        self.random = random
        self.sessionID = sessionID
        self.cipherSuite = cipherSuite
        self.compressionMethod = compressionMethod
    }

    /// The negotiated version: supported_versions when present, else `legacy_version`.
    @inlinable public var selectedVersion: ProtocolVersion {
        extensions.supportedVersions?.first ?? legacyVersion
    }

    /// The key-exchange group: the server's key share (TLS 1.3) or, for an HRR, the group it asks for.
    @inlinable public var keyShareGroup: NamedGroup? { extensions.keyShareGroups?.first }

    /// The selected ALPN protocol, for display.
    @inlinable public var selectedALPN: String? {
        // Inlinable: read where the hello lies (a call would take a copy of the whole hello).
        guard let first = extensions.alpn?.first else { return nil }
        return HelloExtensions.alpnName(first)
    }

    /// Parses a ServerHello message body (after the 4-byte handshake header).
    public static func parse(_ body: [UInt8]) throws(ParseError) -> ServerHello {
        try parse(ByteCursor(body))
    }

    /// The same, read from a cursor over the body (a message read in place). With `lists`,
    /// the extension types are the kept list of a recent hello that had the same.
    public static func parse(_ body: ByteCursor, lists: HelloListCache? = nil) throws(ParseError) -> ServerHello {
        var cursor = body
        let version = ProtocolVersion(rawValue: try cursor.readUInt16("legacy_version"))
        if version.rawValue >> 8 == 0x7f && version.rawValue & 0xff < 22 {
            return try parseEarlyDraft(&cursor, version: version, lists: lists)
        }
        let random = try cursor.readShortBytes(count: 32, "random")
        let sessionID = try cursor.withVector(lengthBytes: 1, allowed: 0...32, "legacy_session_id_echo") {
            (id) throws(ParseError) in try id.readShortBytes(count: id.remaining, "legacy_session_id_echo")
        }
        let suite = CipherSuite(rawValue: try cursor.readUInt16("cipher_suite"))
        let compression = try cursor.readUInt8("legacy_compression_method")
        var hello = ServerHello(
            legacyVersion: version, random: random, sessionID: sessionID, cipherSuite: suite,
            compressionMethod: compression)
        hello.isHelloRetryRequest = random == helloRetryRequestRandom
        try parseExtensions(&cursor, into: &hello, lists: lists)
        if !cursor.isAtEnd {
            hello.anomalies.append(Anomaly(.trailingBytes, detail: "server_hello"))
        }
        return hello
    }

    /// TLS 1.3 drafts before 22 had no session id or compression method, and put the
    /// version in the header (draft-ietf-tls-tls13-21, 4.1.3):
    /// `ProtocolVersion version; Random random; CipherSuite cipher_suite; Extension extensions<6..2^16-1>;`
    private static func parseEarlyDraft(
        _ cursor: inout ByteCursor, version: ProtocolVersion, lists: HelloListCache?
    ) throws(ParseError) -> ServerHello {
        let random = try cursor.readShortBytes(count: 32, "random")
        let suite = CipherSuite(rawValue: try cursor.readUInt16("cipher_suite"))
        var hello = ServerHello(
            legacyVersion: version, random: random, sessionID: [], cipherSuite: suite, compressionMethod: 0)
        try parseExtensions(&cursor, into: &hello, lists: lists)
        return hello
    }

    /// The extensions block, when anything is left (it is optional before TLS 1.2).
    private static func parseExtensions(
        _ cursor: inout ByteCursor, into hello: inout ServerHello, lists: HelloListCache?
    ) throws(ParseError) {
        guard !cursor.isAtEnd else { return }
        try cursor.withVector(lengthBytes: 2, allowed: 0...0xffff, "extensions") { (extensions) throws(ParseError) in
            try HelloExtensions.parse(
                &extensions, side: .server, anomalies: &hello.anomalies, into: &hello.extensions, lists: lists)
        }
    }

    /// Parses an SSL 2.0 SERVER-HELLO (RFC 6101, appendix E.1) from its msg_type byte (4);
    /// the certificate it carries is returned in `certificate`.
    ///
    /// ```
    /// char MSG-SERVER-HELLO; char SESSION-ID-HIT; char CERTIFICATE-TYPE;
    /// char SERVER-VERSION-MSB/LSB; char CERTIFICATE-LENGTH-MSB/LSB;
    /// char CIPHER-SPECS-LENGTH-MSB/LSB; char CONNECTION-ID-LENGTH-MSB/LSB;
    /// char CERTIFICATE-DATA[]; char CIPHER-SPECS-DATA[]; char CONNECTION-ID-DATA[]
    /// ```
    public static func parseSSLv2(_ message: [UInt8]) throws(ParseError) -> (hello: ServerHello, certificate: [UInt8]?)
    {
        var cursor = ByteCursor(message)
        let type = try cursor.readUInt8("sslv2.msg_type")
        guard type == 4 else {
            throw ParseError(kind: .invalidValue(UInt64(type)), field: "sslv2.msg_type", offset: 0)
        }
        _ = try cursor.readUInt8("sslv2.session_id_hit")
        _ = try cursor.readUInt8("sslv2.certificate_type")
        let version = ProtocolVersion(rawValue: try cursor.readUInt16("sslv2.server_version"))
        let certificateLength = Int(try cursor.readUInt16("sslv2.certificate_length"))
        let specsLength = Int(try cursor.readUInt16("sslv2.cipher_specs_length"))
        let connectionIDLength = Int(try cursor.readUInt16("sslv2.connection_id_length"))
        let certificate = try cursor.readBytes(count: certificateLength, "sslv2.certificate")
        var specs = try cursor.readCursor(count: specsLength, "sslv2.cipher_specs")
        // 16 to 32 bytes (RFC 6101, E.1); a longer one is read whole and its first 32 kept.
        var connection = try cursor.readCursor(count: connectionIDLength, "sslv2.connection_id")
        let connectionID = try connection.readShortBytes(
            count: min(connection.remaining, ShortBytes.capacity), "sslv2.connection_id")
        var first: UInt32 = 0
        if specs.remaining >= 3 {
            first =
                UInt32(try specs.readUInt8("sslv2.cipher_spec")) << 16
                | UInt32(try specs.readUInt16("sslv2.cipher_spec"))
        }
        var hello = ServerHello(
            legacyVersion: version, random: connectionID, sessionID: [],
            cipherSuite: CipherSuite(rawValue: UInt16(truncatingIfNeeded: first)),
            compressionMethod: 0)
        hello.isSSLv2 = true
        hello.sslv2CipherKind = first
        return (hello, certificate.isEmpty ? nil : certificate)
    }

    /// For an SSL 2.0 SERVER-HELLO, the first cipher kind the server lists (3-byte code).
    public var sslv2CipherKind: UInt32?
}
