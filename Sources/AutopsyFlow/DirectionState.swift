import AutopsyTLS

/// The TLS parsing state of one direction of a flow.
///
/// A class, one per direction, changed where it lies: as a value the session swapped it out
/// of itself and back for every chunk (so that its methods could change both it and the
/// session), copying a few hundred bytes and building a blank state each time.
final class DirectionState {
    enum Phase: Equatable {
        /// No byte seen yet.
        case start
        /// Records are being cut.
        case tls
        /// Not TLS (yet): chunk starts are checked for a record header, either a
        /// ClientHello/ServerHello after plaintext (STARTTLS, `strict`) or any plausible
        /// record after a capture that began mid-flow.
        case searching(strict: Bool, scanned: Int)
        /// Parsing gave up (malformed record, gap, limit).
        case stopped
    }

    // What every chunk of data reads first comes first (the phase, the byte count, whether
    // the sample is full), then the deframer: a flow's state is out of the caches by its
    // next packet when a thousand flows are open.
    var phase: Phase = .start
    /// Payload bytes delivered.
    var bytes: UInt64 = 0
    /// How many of `sample`'s bytes are the direction's first ones.
    var sampleCount = 0
    var deframer: RecordDeframer
    var joiner: HandshakeJoiner
    var alerts = AlertJoiner()
    /// Bodies are encrypted from the next record on.
    var encrypted = false
    /// A change_cipher_spec was seen.
    var sawCCS = false
    /// A handshake message other than a hello was sent (ClientKeyExchange, Certificate...).
    var sentHandshakeAfterHello = false
    /// A change_cipher_spec came before any ServerHello: whether what follows is encrypted
    /// is decided by the next record.
    var ambiguousCCS = false
    /// Records with hidden bodies seen (after CCS or, for a TLS 1.3 server, after the ServerHello).
    var encryptedRecords = 0
    /// Encrypted records seen after this side's change_cipher_spec.
    var encryptedAfterCCS = 0
    /// The first bytes of the direction (`sampleCount` of them), for not_tls evidence: held
    /// in place, so that no flow allocates for them.
    var sample = InlineArray<48, UInt8>(repeating: 0)
    /// Whether this direction began with something other than TLS.
    var startedPlaintext = false
    /// Bytes of plaintext before TLS began (or all of them, when it never did).
    var plaintextBytes: UInt64 = 0

    static let sampleSize = InlineArray<48, UInt8>.count

    init(limits: (record: Int, message: Int)) {
        deframer = RecordDeframer(maxBodyBytes: limits.record)
        joiner = HandshakeJoiner(maxMessageBytes: limits.message)
    }

    /// The plaintext the direction began with, as sampled.
    var plaintextPrefix: [UInt8] {
        (0..<min(sampleCount, Int(clamping: plaintextBytes))).map { sample[$0] }
    }

    /// The largest handshake buffer of a joiner dropped (`dropJoiner`).
    var droppedJoinerPeakBytes = 0

    /// The most unfinished TLS bytes held: the largest record body plus the largest
    /// handshake buffer (record bodies a message spans).
    var bufferPeakBytes: Int {
        deframer.peakBodyBytes + max(joiner.peakBufferedBytes, droppedJoinerPeakBytes)
    }

    /// Drops the handshake parse state (the handshake is decided), keeping how much it held.
    func dropJoiner() {
        droppedJoinerPeakBytes = max(droppedJoinerPeakBytes, joiner.peakBufferedBytes)
        joiner = HandshakeJoiner(maxMessageBytes: 0)
    }

    /// Takes a chunk that lies inside an encrypted (or skipped) record body and does not
    /// finish it, when nothing else is owed to it (the sample is full, parsing is under way):
    /// the common case of bulk data, handled without copying this state. False otherwise.
    func skipInsideRecord(_ count: Int) -> Bool {
        guard phase == .tls, sampleCount >= Self.sampleSize, deframer.skipInsideBody(count) else { return false }
        bytes &+= UInt64(count)
        return true
    }

    func keepSample(_ chunk: Span<UInt8>) {
        guard sampleCount < Self.sampleSize else { return }
        let take = min(Self.sampleSize - sampleCount, chunk.count)
        for index in 0..<take { sample[sampleCount + index] = chunk[index] }
        sampleCount += take
    }
}
