import AutopsyTestSupport
import Testing

@testable import AutopsyTLS

@Suite struct RecordDeframerTests {
    /// A stream of a ClientHello split over two handshake records, a CCS, an alert and application data.
    static let stream: [UInt8] = {
        let hello = Wire.handshake(1, Wire.clientHelloBody())
        let half = hello.count / 2
        return Wire.record(22, version: 0x0301, Array(hello[..<half])) + Wire.record(22, Array(hello[half...]))
            + Wire.record(20, [1]) + Wire.record(21, [2, 40]) + Wire.record(23, [UInt8](repeating: 0xee, count: 300))
            + Wire.record(23, [])
    }()

    struct Seen: Equatable {
        var type: UInt8
        var length: Int
        var body: [UInt8]?
        var offset: UInt64
    }

    static func deframe(_ chunks: [[UInt8]]) -> (records: [Seen], error: ParseError?) {
        var deframer = RecordDeframer()
        var seen: [Seen] = []
        for chunk in chunks {
            deframer.feed(chunk) { record in
                seen.append(
                    Seen(
                        type: record.header.contentType.rawValue, length: record.header.length, body: record.body,
                        offset: record.streamOffset))
                return .plaintext
            }
        }
        return (seen, deframer.error)
    }

    /// Fed with a scratch array, as a session feeds: bodies that arrive whole in a chunk are
    /// handed out in the scratch's storage, reused from record to record while the sink keeps
    /// nothing; a body the sink keeps keeps its bytes when the next records come (the
    /// scratch moves to new storage); split bodies are gathered as before. Whatever the
    /// chunking, the records are those `deframe` gives.
    @Test func bodiesWholeInAChunkComeInTheReusedScratch() {
        // Longest first: the scratch's room suffices for the others.
        let records = (0..<6).map { Wire.record(22, [UInt8](repeating: UInt8(0x10 + $0), count: 80 - 7 * $0)) }
        let stream = records.flatMap { $0 }
        let expected = Self.deframe([stream]).records
        var places: [UnsafeRawPointer?] = []
        var kept: [[UInt8]] = []
        for chunking in [stream.count, 1, 45, 100] {
            var deframer = RecordDeframer()
            var scratch: [UInt8] = []
            var seen: [Seen] = []
            places.removeAll()
            kept.removeAll()
            for start in stride(from: 0, to: stream.count, by: chunking) {
                let chunk = Array(stream[start..<min(start + chunking, stream.count)])
                deframer.feed(chunk.span, scratch: &scratch) { record in
                    // A copy of the body is noted (noting the body itself would keep it).
                    seen.append(
                        Seen(
                            type: record.header.contentType.rawValue, length: record.header.length,
                            body: record.body?.map { $0 }, offset: record.streamOffset))
                    places.append(record.body?.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) })
                    // The third record's body is kept beyond the sink.
                    if seen.count == 3, let body = record.body { kept.append(body) }
                    return .plaintext
                }
            }
            #expect(seen == expected, "chunks of \(chunking)")
            #expect(kept == [[UInt8](repeating: 0x12, count: 66)], "chunks of \(chunking)")
            if chunking == stream.count {
                // One storage for the first three; the fourth onwards in another (the third's
                // is kept), again one for all of them.
                #expect(places[0] == places[1] && places[1] == places[2])
                #expect(places[3] != places[2] && places[3] == places[4] && places[4] == places[5])
            }
            if chunking == 1 {
                // Every body split over chunks: each gathered in an array of its own, none in the scratch.
                #expect(scratch.isEmpty && scratch.capacity == 0)
            }
        }
    }

    @Test func blastAndDripFeedGiveTheSameRecords() {
        let blast = Self.deframe([Self.stream])
        #expect(blast.error == nil)
        #expect(blast.records.map(\.type) == [22, 22, 20, 21, 23, 23])
        #expect(blast.records[4].body == nil)  // application data is skipped, never stored
        #expect(blast.records[3].body == [2, 40])
        let drip = Self.deframe(Self.stream.map { [$0] })
        #expect(drip.records == blast.records)
        for size in [2, 3, 5, 7, 64, 1000] {
            let chunks = stride(from: 0, to: Self.stream.count, by: size).map {
                Array(Self.stream[$0..<min($0 + size, Self.stream.count)])
            }
            #expect(Self.deframe(chunks).records == blast.records, "chunk size \(size)")
        }
    }

    /// A header that breaks the stream fails it at the same offset however the chunks fall,
    /// whole headers read at once or byte by byte.
    @Test func aBadHeaderFailsAtTheSameOffsetInEveryChunking() {
        let stream = Self.stream + [22, 0x03, 0x03, 0x48, 0x01] + Wire.record(22, [1, 2, 3])
        let blast = Self.deframe([stream])
        #expect(blast.records.count == 6)
        #expect(blast.error?.offset == Self.stream.count + 3)
        for size in [1, 2, 4, 5, 6, 9, 301] {
            let chunks = stride(from: 0, to: stream.count, by: size).map {
                Array(stream[$0..<min($0 + size, stream.count)])
            }
            let fed = Self.deframe(chunks)
            #expect(fed.records == blast.records, "chunk size \(size)")
            #expect(fed.error == blast.error, "chunk size \(size)")
        }
    }

    /// Chunks skipped inside unkept bodies (as a session does with bulk data) give the same
    /// records and offsets as chunks fed; a skip that would end a record, or fall in a kept
    /// body or a header, is refused and the chunk is fed instead.
    @Test func skippingInsideBodiesMatchesFeeding() {
        let blast = Self.deframe([Self.stream])
        for size in [1, 2, 7, 64, 299, 1000] {
            var deframer = RecordDeframer()
            var seen: [Seen] = []
            var skipped = 0
            for start in stride(from: 0, to: Self.stream.count, by: size) {
                let chunk = Array(Self.stream[start..<min(start + size, Self.stream.count)])
                if deframer.skipInsideBody(chunk.count) {
                    skipped += 1
                    continue
                }
                deframer.feed(chunk) { record in
                    seen.append(
                        Seen(
                            type: record.header.contentType.rawValue, length: record.header.length,
                            body: record.body, offset: record.streamOffset))
                    return .plaintext
                }
            }
            #expect(seen == blast.records, "chunk size \(size)")
            #expect(deframer.streamOffset == UInt64(Self.stream.count))
            if size <= 64 { #expect(skipped > 0, "chunk size \(size)") }
        }
        var fresh = RecordDeframer()
        let first = fresh.skipInsideBody(1)
        let negative = fresh.skipInsideBody(-1)
        #expect(!first && !negative)
    }

    @Test func encryptedModeKeepsNoBodies() {
        var deframer = RecordDeframer()
        var bodies: [[UInt8]?] = []
        deframer.feed(Wire.record(20, [1]) + Wire.record(22, [1, 2, 3, 4]) + Wire.record(21, [9, 9, 9])) { record in
            bodies.append(record.body)
            return .encrypted
        }
        #expect(bodies == [[1], nil, nil])
    }

    @Test(arguments: [
        [UInt8]([0x47, 0x45, 0x54, 0x20, 0x2f]),  // "GET /"
        [0x16, 0x02, 0x00, 0x00, 0x05],  // version major 2
        [0x16, 0x03, 0x01, 0x48, 0x01],  // length 18433 > 2^14 + 2048
        [0x19, 0x03, 0x03, 0x00, 0x01],  // content type 25
    ])
    func invalidHeadersStopTheStream(_ header: [UInt8]) {
        let result = Self.deframe([header + [1, 2, 3], Wire.record(21, [2, 40])])
        #expect(result.records.isEmpty)
        #expect(result.error != nil)
    }

    /// RFC 8446 (5.1) forbids empty handshake and alert records, but they carry nothing: the
    /// stream goes on (the flow notes an anomaly).
    @Test func emptyRecordsOfEveryTypePass() {
        let result = Self.deframe([
            [0x16, 0x03, 0x01, 0x00, 0x00, 0x15, 0x03, 0x03, 0x00, 0x00], Wire.record(21, [2, 40]),
        ])
        #expect(result.records.map(\.length) == [0, 0, 2])
        #expect(result.error == nil)
    }

    @Test func recordsLongerThanTheBodyLimitFailWithoutBuffering() {
        var deframer = RecordDeframer(maxBodyBytes: 16)
        var count = 0
        deframer.feed(Wire.record(22, [UInt8](repeating: 1, count: 17))) { _ in
            count += 1
            return .plaintext
        }
        #expect(count == 0)
        #expect(deframer.error != nil)
        // Application data of any legal size is skipped, not buffered, so it never hits the limit.
        var skipper = RecordDeframer(maxBodyBytes: 16)
        skipper.feed(Wire.record(23, [UInt8](repeating: 1, count: 16_384))) { _ in
            count += 1
            return .plaintext
        }
        #expect(count == 1)
        #expect(skipper.error == nil)
    }

    @Test func sslv2ClientHelloIsRecognised() {
        // SSL 2.0 record: length 0x802e, msg CLIENT-HELLO (1), version 3.1, 21 bytes of specs, no session, 16-byte challenge.
        let specs: [UInt8] = [
            0x01, 0x00, 0x80, 0x00, 0x00, 0x35, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x0a, 0x07, 0x00, 0xc0, 0x00, 0x00, 0x05,
            0x00, 0x00, 0xff,
        ]
        let message: [UInt8] =
            [0x01, 0x03, 0x01] + Wire.u16(specs.count) + Wire.u16(0) + Wire.u16(16) + specs
            + [UInt8](repeating: 0xab, count: 16)
        let bytes = [UInt8(0x80 | (message.count >> 8)), UInt8(message.count & 0xff)] + message
        var deframer = RecordDeframer()
        var records: [DeframedRecord] = []
        deframer.feed(bytes) {
            records.append($0)
            return .plaintext
        }
        #expect(records.count == 1)
        #expect(records.first?.isSSLv2 == true)
        #expect(records.first?.body == message)
        let hello = try? ClientHello.parseSSLv2(message)
        #expect(hello?.isSSLv2Compatible == true)
        #expect(hello?.legacyVersion == .tls10)
        #expect(hello?.cipherSuites.map(\.rawValue) == [0x0035, 0x002f, 0x000a, 0x0005, 0x00ff])
        #expect(hello?.sslv2CipherKinds == [0x010080, 0x0700c0])
        #expect(hello?.random.count == 16)
    }
}

@Suite struct HandshakeJoinerTests {
    @Test func joinsMessagesAcrossRecordsAndSplitsSeveralPerRecord() {
        let first = Wire.handshake(2, [UInt8](repeating: 1, count: 70))
        let second = Wire.handshake(11, [UInt8](repeating: 2, count: 300))
        let third = Wire.handshake(14, [])
        let all = first + second + third
        for cut in [1, 3, 4, 5, 74, 75, 200, all.count - 1] {
            var joiner = HandshakeJoiner()
            var types: [UInt8] = []
            var lengths: [Int] = []
            joiner.append(Array(all[..<cut])) {
                types.append($0.type.rawValue)
                lengths.append($0.body.count)
            }
            joiner.append(Array(all[cut...])) {
                types.append($0.type.rawValue)
                lengths.append($0.body.count)
            }
            #expect(types == [2, 11, 14], "cut at \(cut)")
            #expect(lengths == [70, 300, 0])
            #expect(!joiner.hasPartialMessage)
        }
    }

    /// Messages are read where they lie in the record: the same bytes, and a parse error
    /// reports the offset within the message, as when the body was a copy of its own.
    @Test func messagesAreReadInPlaceWithTheirOwnOffsets() throws {
        let hello = Wire.clientHelloBody()
        let cut = Array(hello[..<60])
        let record = Wire.handshake(2, [9, 9, 9]) + Wire.handshake(1, cut) + Wire.handshake(1, hello)
        var joiner = HandshakeJoiner()
        var messages: [HandshakeMessage] = []
        joiner.append(record) { messages.append($0) }
        #expect(messages.map(\.length) == [3, 60, hello.count])
        #expect(messages.map(\.body) == [[9, 9, 9], cut, hello])
        #expect(messages.last?.cursor.offset == 0)
        var inPlace: ParseError?
        var copied: ParseError?
        do { _ = try ClientHello.parse(messages[1].cursor) } catch { inPlace = error }
        do { _ = try ClientHello.parse(cut) } catch { copied = error }
        #expect(inPlace != nil && inPlace == copied)
        let parsed = try ClientHello.parse(messages[2].cursor)
        #expect(parsed == (try ClientHello.parse(hello)))
    }

    @Test func aMessageOverTheLimitStopsTheJoiner() {
        var joiner = HandshakeJoiner(maxMessageBytes: 100)
        var count = 0
        joiner.append(Wire.u8(11) + Wire.u24(16 * 1024 * 1024 - 1)) { _ in count += 1 }
        joiner.append([UInt8](repeating: 0, count: 1000)) { _ in count += 1 }
        #expect(count == 0)
        #expect(joiner.error != nil)
        #expect(!joiner.hasPartialMessage)
    }

    @Test func alertsAreJoinedAcrossRecords() {
        var joiner = AlertJoiner()
        var alerts: [AlertMessage] = []
        joiner.append([2]) { alerts.append($0) }
        #expect(joiner.hasPartialAlert)
        joiner.append([40, 1, 0]) { alerts.append($0) }
        #expect(alerts.map(\.description.rawValue) == [40, 0])
        #expect(alerts.map(\.level.rawValue) == [2, 1])
    }
}
