/// One record cut from a direction's byte stream.
public struct DeframedRecord: Sendable {
    /// The header (for an SSL 2.0 record: type handshake, version SSL 2.0, its length).
    public var header: RecordHeader
    /// The body, when it was kept; nil when skipped (application data, encrypted records).
    public var body: [UInt8]?
    /// Whether this was an SSL 2.0 record (2-byte header, RFC 6101 appendix E.2).
    public var isSSLv2: Bool
    /// Offset of the record's first byte in the direction's stream.
    public var streamOffset: UInt64
}

/// What the consumer wants done with the bodies of the records that follow.
public enum DeframerMode: Sendable, Equatable {
    /// Keep the bodies of handshake, alert, change_cipher_spec and heartbeat records.
    case plaintext
    /// The direction is encrypted: keep no body, only headers and sizes (constant memory).
    case encrypted
}

/// Cuts one direction's reassembled TCP byte stream into TLS records.
///
/// It is fed the stream in whatever pieces TCP delivered it, down to single bytes,
/// and calls the sink once per complete record. It holds at most one unfinished
/// record's body (bounded by `maxBodyBytes`); bodies it does not need are skipped by
/// counting, never stored. After a malformed header it stops for good: a TLS stream
/// cannot be resynchronised without guessing.
public struct RecordDeframer: Sendable {
    private enum State: Sendable {
        case header
        case body(RecordHeader, remaining: Int, keep: Bool, isSSLv2: Bool, startOffset: UInt64)
        case failed(ParseError)
    }

    private var state: State = .header
    private var headerBytes: (UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0)
    private var headerCount = 0
    private var body: [UInt8] = []
    private var sslv2Allowed = true
    private var inSSLv2 = false
    /// How record bodies are treated from the next record on.
    public var mode: DeframerMode = .plaintext
    /// The most body bytes held for one record; a longer record that must be kept fails the stream.
    public let maxBodyBytes: Int
    /// Bytes of the stream consumed so far.
    public private(set) var streamOffset: UInt64 = 0
    /// Records completed so far.
    public private(set) var recordCount = 0
    /// The largest record body held (at most `maxBodyBytes`).
    public private(set) var peakBodyBytes = 0

    /// Creates a deframer that holds at most `maxBodyBytes` of one record.
    public init(maxBodyBytes: Int = RecordHeader.maximumLength) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// The error that stopped the stream, if any.
    public var error: ParseError? {
        if case .failed(let error) = state { return error }
        return nil
    }

    /// Whether a valid record header has been read: the stream speaks TLS, even when no
    /// record is complete yet (a capture cut by the snap length).
    public var sawValidHeader: Bool {
        if recordCount > 0 { return true }
        if case .body = state { return true }
        return false
    }

    /// Whether a record has been started but not finished (the stream ended mid-record).
    public var isMidRecord: Bool {
        switch state {
        case .header: return headerCount > 0
        case .body: return true
        case .failed: return false
        }
    }

    /// Feeds the next bytes of the stream. `sink` is called for each completed record and
    /// returns the mode for the records after it.
    public mutating func feed(_ bytes: Span<UInt8>, _ sink: (DeframedRecord) -> DeframerMode) {
        var scratch: [UInt8] = []
        feed(bytes, scratch: &scratch, sink)
    }

    /// Feeds the next bytes of the stream, as `feed(_:_:)` does. A body that lies whole in
    /// `bytes` is handed out in `scratch`, whose storage is reused from record to record
    /// (by every deframer its owner feeds) while nothing keeps a body after `sink` returns;
    /// a body kept (a handshake message waiting for its end) leaves `scratch` to new
    /// storage, as copy-on-write does. Only a body split over chunks is gathered in an array
    /// of its own.
    public mutating func feed(
        _ bytes: Span<UInt8>, scratch: inout [UInt8], _ sink: (DeframedRecord) -> DeframerMode
    ) {
        var index = 0
        let count = bytes.count
        while index < count {
            switch state {
            case .failed:
                return
            case .header:
                // A whole header in the chunk, past the first record (where a 2- or 3-byte
                // SSL 2.0 header may still come): read at once, as byte by byte would.
                if headerCount == 0 && !sslv2Allowed && !inSSLv2 && count - index >= RecordHeader.size {
                    headerBytes = (
                        bytes[index], bytes[index + 1], bytes[index + 2], bytes[index + 3], bytes[index + 4]
                    )
                    headerCount = RecordHeader.size
                    index += RecordHeader.size
                    streamOffset &+= UInt64(RecordHeader.size)
                    startBodyIfHeaderComplete(sink)
                    continue
                }
                let byte = bytes[index]
                index += 1
                streamOffset &+= 1
                appendHeaderByte(byte)
                startBodyIfHeaderComplete(sink)
            case .body(let header, let remaining, let keep, let isSSLv2, let startOffset):
                let take = min(remaining, count - index)
                if keep && take == remaining && body.isEmpty {
                    // The whole body is in this chunk: handed out in the scratch (no array of its own).
                    scratch.removeAll(keepingCapacity: true)
                    bytes.extracting(index..<(index + take)).withUnsafeBufferPointer { scratch.append(contentsOf: $0) }
                    index += take
                    streamOffset &+= UInt64(take)
                    finishRecord(header, keep: true, isSSLv2: isSSLv2, startOffset: startOffset, in: scratch, sink)
                    continue
                }
                if keep {
                    // The body's first piece of several: room for all of it at once.
                    if body.isEmpty { body.reserveCapacity(remaining) }
                    bytes.extracting(index..<(index + take)).withUnsafeBufferPointer { body.append(contentsOf: $0) }
                }
                index += take
                streamOffset &+= UInt64(take)
                let left = remaining - take
                if left == 0 {
                    finishRecord(header, keep: keep, isSSLv2: isSSLv2, startOffset: startOffset, sink)
                } else {
                    state = .body(header, remaining: left, keep: keep, isSSLv2: isSSLv2, startOffset: startOffset)
                }
            }
        }
    }

    /// Skips `count` bytes that fall inside the body of a record whose body is not kept and
    /// that does not end with them: exactly what `feed` does with such bytes, without a
    /// call per record. Returns false (and does nothing) in every other case.
    public mutating func skipInsideBody(_ count: Int) -> Bool {
        guard count >= 0, case .body(let header, let remaining, let keep, let isSSLv2, let startOffset) = state,
            !keep, count < remaining
        else { return false }
        state = .body(header, remaining: remaining - count, keep: false, isSSLv2: isSSLv2, startOffset: startOffset)
        streamOffset &+= UInt64(count)
        return true
    }

    /// Feeds bytes held in an array (tests, and data buffered out of order).
    public mutating func feed(_ bytes: [UInt8], _ sink: (DeframedRecord) -> DeframerMode) {
        feed(bytes.span, sink)
    }

    private mutating func appendHeaderByte(_ byte: UInt8) {
        switch headerCount {
        case 0: headerBytes.0 = byte
        case 1: headerBytes.1 = byte
        case 2: headerBytes.2 = byte
        case 3: headerBytes.3 = byte
        default: headerBytes.4 = byte
        }
        headerCount += 1
    }

    private mutating func startBodyIfHeaderComplete(_ sink: (DeframedRecord) -> DeframerMode) {
        let startOffset = streamOffset &- UInt64(headerCount)
        if inSSLv2 {
            startSSLv2Body(startOffset, sink)
            if inSSLv2 || headerCount == 0 { return }
        }
        // SSL 2.0 record: 2-byte header with the high bit set, then the message type (RFC 6101, E.2).
        if sslv2Allowed && headerCount == 3 && headerBytes.0 & 0x80 != 0 {
            let length = Int(headerBytes.0 & 0x7f) << 8 | Int(headerBytes.1)
            let messageType = headerBytes.2
            guard length >= 1, (1...8).contains(messageType) else {
                fail(
                    ParseError(
                        kind: .invalidValue(UInt64(messageType)), field: "sslv2.msg_type",
                        offset: Int(truncatingIfNeeded: startOffset)))
                return
            }
            let header = RecordHeader(contentType: .handshake, version: .ssl2, length: length)
            let keep = mode == .plaintext && length <= maxBodyBytes
            body = keep ? [messageType] : []
            headerCount = 0
            inSSLv2 = true
            beginBody(header, remaining: length - 1, keep: keep, isSSLv2: true, startOffset: startOffset, sink)
            return
        }
        guard headerCount == RecordHeader.size else { return }
        headerCount = 0
        let version = UInt16(headerBytes.1) << 8 | UInt16(headerBytes.2)
        let length = Int(headerBytes.3) << 8 | Int(headerBytes.4)
        let header: RecordHeader
        do {
            header = try RecordHeader.validated(
                type: headerBytes.0, version: version, length: length, offset: Int(truncatingIfNeeded: startOffset))
        } catch {
            fail(error)
            return
        }
        sslv2Allowed = false
        let wanted = mode == .plaintext && header.contentType != .applicationData
        if wanted && length > maxBodyBytes {
            fail(
                ParseError(
                    kind: .lengthOutOfRange(length: length, allowed: 0...maxBodyBytes), field: "record.length",
                    offset: Int(truncatingIfNeeded: startOffset) + 3))
            return
        }
        // Empty here (every record's end empties it): an empty array assigned anyway was a
        // release, a call a record.
        if !body.isEmpty { body = [] }
        beginBody(header, remaining: length, keep: wanted, isSSLv2: false, startOffset: startOffset, sink)
    }

    /// Later SSL 2.0 records: a 2-byte header (high bit set; length 15 bits) or a 3-byte
    /// header (length 14 bits, then the padding length) before encrypted bodies (RFC 6101, E.2).
    private mutating func startSSLv2Body(_ startOffset: UInt64, _ sink: (DeframedRecord) -> DeframerMode) {
        let twoByte = headerBytes.0 & 0x80 != 0
        guard headerCount == (twoByte ? 2 : 3) else { return }
        // The peer answered in SSL 3.0 / TLS: the client's SSL 2.0-compatible hello was its only SSL 2.0 record.
        if !twoByte && (20...24).contains(headerBytes.0) && headerBytes.1 == 3 && headerBytes.2 <= 4 {
            inSSLv2 = false
            sslv2Allowed = false
            return
        }
        let length =
            twoByte
            ? Int(headerBytes.0 & 0x7f) << 8 | Int(headerBytes.1) : Int(headerBytes.0 & 0x3f) << 8 | Int(headerBytes.1)
        headerCount = 0
        let header = RecordHeader(contentType: .handshake, version: .ssl2, length: length)
        let keep = mode == .plaintext && length <= maxBodyBytes
        body = []
        beginBody(header, remaining: length, keep: keep, isSSLv2: true, startOffset: startOffset, sink)
    }

    private mutating func beginBody(
        _ header: RecordHeader, remaining: Int, keep: Bool, isSSLv2: Bool, startOffset: UInt64,
        _ sink: (DeframedRecord) -> DeframerMode
    ) {
        if remaining == 0 {
            finishRecord(header, keep: keep, isSSLv2: isSSLv2, startOffset: startOffset, sink)
        } else {
            state = .body(header, remaining: remaining, keep: keep, isSSLv2: isSSLv2, startOffset: startOffset)
        }
    }

    private mutating func finishRecord(
        _ header: RecordHeader, keep: Bool, isSSLv2: Bool, startOffset: UInt64, _ sink: (DeframedRecord) -> DeframerMode
    ) {
        // Moved out, the deframer's left empty: no reference counted.
        var gathered: [UInt8] = []
        swap(&gathered, &body)
        finishRecord(header, keep: keep, isSSLv2: isSSLv2, startOffset: startOffset, in: gathered, sink)
    }

    /// Hands out the record whose body (when kept) is `bodyBytes`.
    private mutating func finishRecord(
        _ header: RecordHeader, keep: Bool, isSSLv2: Bool, startOffset: UInt64, in bodyBytes: [UInt8],
        _ sink: (DeframedRecord) -> DeframerMode
    ) {
        state = .header
        recordCount += 1
        peakBodyBytes = max(peakBodyBytes, bodyBytes.count)
        let record = DeframedRecord(
            header: header, body: keep ? bodyBytes : nil, isSSLv2: isSSLv2, streamOffset: startOffset)
        mode = sink(record)
    }

    private mutating func fail(_ error: ParseError) {
        state = .failed(error)
        body = []
    }
}
