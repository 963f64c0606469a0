/// A Certificate message, as raw DER certificates (RFC 5246, 7.4.2; RFC 8446, 4.4.2).
///
/// ```
/// opaque ASN.1Cert<1..2^24-1>;
/// struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;            // TLS 1.2
///
/// struct {
///     opaque certificate_request_context<0..2^8-1>;
///     CertificateEntry certificate_list<0..2^24-1>;                          // TLS 1.3
/// } Certificate;
/// struct { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>; } CertificateEntry;
/// ```
public struct CertificateMessage: Sendable, Hashable {
    /// The certificates in the order sent (leaf first, by convention), as DER.
    public var certificates: [[UInt8]]
    /// TLS 1.3's certificate_request_context (empty for a server's certificate).
    public var requestContext: [UInt8]?

    /// Creates a message.
    public init(certificates: [[UInt8]], requestContext: [UInt8]? = nil) {
        self.certificates = certificates
        self.requestContext = requestContext
    }

    /// Parses the body in the TLS 1.0 to 1.2 layout, or the TLS 1.3 layout when `tls13`.
    public static func parse(_ body: [UInt8], tls13: Bool) throws(ParseError) -> CertificateMessage {
        try parse(ByteCursor(body), tls13: tls13)
    }

    /// The same, read from a cursor over the body (a message read in place); with `kept`,
    /// a certificate met lately is the array `kept` holds (see `RecentCertificates`).
    public static func parse(
        _ body: ByteCursor, tls13: Bool, kept: RecentCertificates? = nil
    ) throws(ParseError) -> CertificateMessage {
        var cursor = body
        var context: [UInt8]?
        if tls13 {
            var contextCursor = try cursor.readVector(lengthBytes: 1, allowed: 0...0xff, "certificate_request_context")
            context = contextCursor.readRemaining()
        }
        var list = try cursor.readVector(lengthBytes: 3, allowed: 0...0xff_ffff, "certificate_list")
        try cursor.expectEnd("certificate")
        var certificates: [[UInt8]] = []
        while !list.isAtEnd {
            var data = try list.readVector(lengthBytes: 3, allowed: 1...0xff_ffff, "cert_data")
            certificates.append(kept?.read(&data) ?? data.readRemaining())
            if tls13 {
                _ = try list.readVector(lengthBytes: 2, allowed: 0...0xffff, "certificate_entry.extensions")
            }
        }
        return CertificateMessage(certificates: certificates, requestContext: context)
    }
}

/// A CertificateRequest before TLS 1.3 (RFC 5246, 7.4.4): the server asks the client for a certificate.
///
/// ```
/// struct {
///     ClientCertificateType certificate_types<1..2^8-1>;
///     SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;   // TLS 1.2 only
///     DistinguishedName certificate_authorities<0..2^16-1>;
/// } CertificateRequest;
/// ```
public struct CertificateRequest: Sendable, Hashable {
    /// Requested certificate types (1 rsa_sign, 64 ecdsa_sign, ...).
    public var certificateTypes: [UInt8]
    /// Accepted signature algorithms (TLS 1.2).
    public var signatureAlgorithms: [SignatureScheme]
    /// How many acceptable CA names the server listed.
    public var authorityCount: Int

    /// Parses the body; `tls12` selects whether the signature algorithm list is present.
    public static func parse(_ body: [UInt8], tls12: Bool) throws(ParseError) -> CertificateRequest {
        try parse(ByteCursor(body), tls12: tls12)
    }

    /// The same, read from a cursor over the body (a message read in place).
    public static func parse(_ body: ByteCursor, tls12: Bool) throws(ParseError) -> CertificateRequest {
        var cursor = body
        var types = try cursor.readVector(lengthBytes: 1, allowed: 1...0xff, "certificate_types")
        var algorithms: [SignatureScheme] = []
        if tls12 {
            var list = try cursor.readVector(lengthBytes: 2, allowed: 0...0xffff, "supported_signature_algorithms")
            algorithms = try list.readUInt16List("supported_signature_algorithms", SignatureScheme.init(rawValue:))
        }
        var authorities = try cursor.readVector(lengthBytes: 2, allowed: 0...0xffff, "certificate_authorities")
        var count = 0
        while !authorities.isAtEnd {
            _ = try authorities.readVector(lengthBytes: 2, allowed: 1...0xffff, "distinguished_name")
            count += 1
        }
        try cursor.expectEnd("certificate_request")
        return CertificateRequest(
            certificateTypes: types.readRemaining(), signatureAlgorithms: algorithms, authorityCount: count)
    }
}

/// The part of a ServerKeyExchange that names the key-exchange group (RFC 8422, 5.4):
/// `ECCurveType curve_type (3 = named_curve); NamedCurve namedcurve;`, or a finite-field
/// Diffie-Hellman prime's size (RFC 5246, 7.4.3).
public struct ServerKeyExchange: Sendable, Hashable {
    /// The named group of an ECDHE exchange.
    public var group: NamedGroup?
    /// The size in bits of a DHE prime.
    public var dhPrimeBits: Int?

    /// Parses what can be known without the negotiated suite: an ECDHE body starts with
    /// curve type 3; otherwise, when `dhe`, a DHE body starts with the prime.
    public static func parse(_ body: [UInt8], dhe: Bool) throws(ParseError) -> ServerKeyExchange {
        try parse(ByteCursor(body), dhe: dhe)
    }

    /// The same, read from a cursor over the body (a message read in place).
    public static func parse(_ body: ByteCursor, dhe: Bool) throws(ParseError) -> ServerKeyExchange {
        var cursor = body
        if dhe {
            var prime = try cursor.readVector(lengthBytes: 2, allowed: 1...0xffff, "dh_p")
            while prime.peekUInt8() == 0 { _ = try prime.readUInt8("dh_p") }
            let bits = prime.remaining * 8 - (prime.peekUInt8().map { $0.leadingZeroBitCount } ?? 0)
            return ServerKeyExchange(group: nil, dhPrimeBits: bits)
        }
        let curveType = try cursor.readUInt8("curve_type")
        guard curveType == 3 else {
            throw ParseError(kind: .invalidValue(UInt64(curveType)), field: "curve_type", offset: 0)
        }
        return ServerKeyExchange(group: NamedGroup(rawValue: try cursor.readUInt16("namedcurve")), dhPrimeBits: nil)
    }
}

/// A NewSessionTicket (RFC 5077, 3.3; RFC 8446, 4.6.1): the ticket's lifetime hint.
public struct NewSessionTicket: Sendable, Hashable {
    /// The lifetime in seconds.
    public var lifetime: UInt32
    /// The ticket's length in bytes.
    public var ticketLength: Int

    /// Parses the TLS 1.2 layout (`uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>;`).
    public static func parse(_ body: [UInt8]) throws(ParseError) -> NewSessionTicket {
        try parse(ByteCursor(body))
    }

    /// The same, read from a cursor over the body (a message read in place).
    public static func parse(_ body: ByteCursor) throws(ParseError) -> NewSessionTicket {
        var cursor = body
        let lifetime = try cursor.readUInt32("ticket_lifetime_hint")
        let ticket = try cursor.readVector(lengthBytes: 2, allowed: 0...0xffff, "ticket")
        try cursor.expectEnd("new_session_ticket")
        return NewSessionTicket(lifetime: lifetime, ticketLength: ticket.remaining)
    }
}
