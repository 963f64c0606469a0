/// The 5-byte header of a TLS record (RFC 8446, section 5.1; RFC 5246, section 6.2.1).
///
/// ```
/// struct {
///     ContentType type;
///     ProtocolVersion legacy_record_version;
///     uint16 length;
/// } TLSPlaintext;
/// ```
public struct RecordHeader: Sendable, Hashable {
    /// The record's content type.
    public var contentType: ContentType
    /// The record-layer version.
    public var version: ProtocolVersion
    /// The body length in bytes.
    public var length: Int

    /// The largest body a record may have: 2^14 plus 2048 bytes of expansion (RFC 5246, 6.2.3).
    public static let maximumLength = 16_384 + 2_048
    /// The header's size on the wire.
    public static let size = 5

    /// Creates a header.
    public init(contentType: ContentType, version: ProtocolVersion, length: Int) {
        self.contentType = contentType
        self.version = version
        self.length = length
    }

    /// Reads and checks a header: content type 20 to 24, version major 3, length at most
    /// ``maximumLength``. Zero is accepted for every type: RFC 8446 (5.1) forbids empty
    /// handshake and alert records, but they carry nothing and the stream goes on (the
    /// flow notes an `empty_record` anomaly).
    public static func parse(_ cursor: inout ByteCursor) throws(ParseError) -> RecordHeader {
        let start = cursor.offset
        let type = try cursor.readUInt8("record.type")
        let version = try cursor.readUInt16("record.legacy_record_version")
        let length = Int(try cursor.readUInt16("record.length"))
        return try validated(type: type, version: version, length: length, offset: start)
    }

    /// Checks the three header fields read elsewhere (the streaming deframer reads them byte by byte).
    public static func validated(type: UInt8, version: UInt16, length: Int, offset: Int) throws(ParseError)
        -> RecordHeader
    {
        guard (20...24).contains(type) else {
            throw ParseError(kind: .invalidValue(UInt64(type)), field: "record.type", offset: offset)
        }
        guard version >> 8 == 3 else {
            throw ParseError(
                kind: .invalidValue(UInt64(version)), field: "record.legacy_record_version", offset: offset + 1)
        }
        guard length <= maximumLength else {
            throw ParseError(
                kind: .lengthOutOfRange(length: length, allowed: 0...maximumLength), field: "record.length",
                offset: offset + 3)
        }
        return RecordHeader(
            contentType: ContentType(rawValue: type), version: ProtocolVersion(rawValue: version), length: length)
    }

    /// Whether `bytes` start like a TLS record carrying a handshake (type 22, version 3.x)
    /// or an SSL 2.0 CLIENT-HELLO: how TLS is found by content on any port.
    public static func looksLikeHandshakeStart(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) -> Bool {
        if b0 == ContentType.handshake.rawValue && b1 == 3 && b2 <= 4 { return true }
        return false
    }
}
