/// One handshake message (RFC 8446, section 4):
///
/// ```
/// struct {
///     HandshakeType msg_type;
///     uint24 length;
///     select (Handshake.msg_type) { ... };
/// } Handshake;
/// ```
public struct HandshakeMessage: Sendable {
    /// The message type.
    public var type: HandshakeType
    /// The bytes the body (without the 4-byte header) lies in, and where: a message is read
    /// in place in the record that carried it (`cursor`), copied only when asked (`body`).
    let storage: [UInt8]
    let range: Range<Int>

    /// A message with a body of its own.
    public init(type: HandshakeType, body: [UInt8]) {
        self.init(type: type, storage: body, range: 0..<body.count)
    }

    init(type: HandshakeType, storage: [UInt8], range: Range<Int>) {
        self.type = type
        self.storage = storage
        self.range = range
    }

    /// The body's length.
    public var length: Int { range.count }

    /// A cursor over the body, offsets counted from its start.
    public var cursor: ByteCursor { ByteCursor(storage, range: range) }

    /// The body, as an array of its own.
    public var body: [UInt8] {
        var cursor = cursor
        return cursor.readRemaining()
    }
}

/// Joins the bodies of consecutive handshake records into handshake messages: a message
/// may span several records, and a record may hold several messages.
///
/// It holds at most one unfinished message, bounded by `maxMessageBytes`; a longer
/// message is an error and stops the joiner.
public struct HandshakeJoiner: Sendable {
    private var buffer: [UInt8] = []
    private var consumed = 0
    /// The largest message body accepted.
    public let maxMessageBytes: Int
    /// The error that stopped the joiner, if any.
    public private(set) var error: ParseError?
    /// Bytes received in handshake records so far.
    public private(set) var bytesReceived = 0
    /// The most bytes held at once (a partial message and the record completing it).
    public private(set) var peakBufferedBytes = 0

    /// Creates a joiner that accepts messages of at most `maxMessageBytes`.
    public init(maxMessageBytes: Int = 64 * 1024) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Whether part of a message is waiting for the next record.
    public var hasPartialMessage: Bool { buffer.count > consumed }

    /// Appends one handshake record's body and calls `sink` for each message completed.
    public mutating func append(_ recordBody: [UInt8], _ sink: (HandshakeMessage) -> Void) {
        guard error == nil else { return }
        bytesReceived += recordBody.count
        if consumed == buffer.count {
            buffer = recordBody
            consumed = 0
        } else {
            // Drop the messages already handed out, so that the buffer holds one partial
            // message plus this record, however long the stream of records that each end
            // mid-message.
            if consumed > 0 {
                buffer.removeSubrange(0..<consumed)
                consumed = 0
            }
            buffer.append(contentsOf: recordBody)
        }
        peakBufferedBytes = max(peakBufferedBytes, buffer.count)
        while true {
            var cursor = ByteCursor(storage: buffer, start: consumed, end: buffer.count)
            guard cursor.remaining >= 4 else { break }
            do {
                let type = try cursor.readUInt8("handshake.msg_type")
                let length = Int(try cursor.readUInt24("handshake.length"))
                guard length <= maxMessageBytes else {
                    error = ParseError(
                        kind: .lengthOutOfRange(length: length, allowed: 0...maxMessageBytes),
                        field: "handshake.length",
                        offset: consumed + 1)
                    buffer = []
                    consumed = 0
                    return
                }
                guard cursor.remaining >= length else { break }
                // Handed out in place: the message refers to the buffer, which is not
                // changed until the next record.
                let bodyStart = cursor.offset
                try cursor.skip(count: length, "handshake.body")
                consumed = cursor.offset
                sink(
                    HandshakeMessage(type: HandshakeType(rawValue: type), storage: buffer, range: bodyStart..<consumed))
            } catch {
                break
            }
        }
        if consumed == buffer.count {
            buffer = []
            consumed = 0
        }
    }
}

/// One alert (RFC 8446, section 6): `struct { AlertLevel level; AlertDescription description; } Alert;`
public struct AlertMessage: Sendable, Hashable {
    /// Warning or fatal.
    public var level: AlertLevel
    /// What the sender complains of.
    public var description: AlertDescription
}

/// Joins plaintext alert record bodies into 2-byte alerts (an alert may in theory be
/// split across records before TLS 1.3, and a record may hold several).
public struct AlertJoiner: Sendable {
    private var pending: UInt8?

    /// Creates an empty joiner.
    public init() {}

    /// Whether half an alert is waiting.
    public var hasPartialAlert: Bool { pending != nil }

    /// Appends an alert record's body and calls `sink` for each complete alert.
    public mutating func append(_ recordBody: [UInt8], _ sink: (AlertMessage) -> Void) {
        var cursor = ByteCursor(recordBody)
        while let byte = try? cursor.readUInt8("alert") {
            if let level = pending {
                pending = nil
                sink(AlertMessage(level: AlertLevel(rawValue: level), description: AlertDescription(rawValue: byte)))
            } else {
                pending = byte
            }
        }
    }
}
