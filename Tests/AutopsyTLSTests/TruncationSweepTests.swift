import AutopsyTestSupport
import Testing

@testable import AutopsyTLS

/// Every parser, fed every prefix of a valid encoding and every one-byte rewrite of it
/// (lengths that lie): a ParseError or a value each time, never a trap.
@Suite struct TruncationSweepTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        /// Whether a prefix of the encoding may be valid on its own (optional trailing parts).
        var prefixesMayParse: Bool
        var parse: @Sendable ([UInt8]) throws -> Void
        var testDescription: String { name }
    }

    static let sslv2Hello: [UInt8] =
        [0x01, 0x03, 0x01] + Wire.u16(6) + Wire.u16(0) + Wire.u16(16) + [0x01, 0x00, 0x80, 0x00, 0x00, 0x2f]
        + [UInt8](repeating: 0xab, count: 16)
    static let sslv2ServerHello: [UInt8] =
        [0x04, 0x00, 0x01, 0x00, 0x02] + Wire.u16(4) + Wire.u16(3) + Wire.u16(16) + [0x30, 0x02, 0x01, 0x00]
        + [0x01, 0x00, 0x80] + [UInt8](repeating: 0xcd, count: 16)

    static let cases: [Case] = [
        Case(name: "ClientHello", bytes: Wire.clientHelloBody(), prefixesMayParse: true) {
            _ = try ClientHello.parse($0)
        },
        Case(name: "ServerHello", bytes: Wire.serverHelloBody(), prefixesMayParse: true) {
            _ = try ServerHello.parse($0)
        },
        Case(name: "SSL 2.0 CLIENT-HELLO", bytes: sslv2Hello, prefixesMayParse: false) {
            _ = try ClientHello.parseSSLv2($0)
        },
        Case(name: "SSL 2.0 SERVER-HELLO", bytes: sslv2ServerHello, prefixesMayParse: false) {
            _ = try ServerHello.parseSSLv2($0)
        },
        Case(
            name: "Certificate (TLS 1.2)", bytes: Wire.vec24(Wire.vec24([0x30, 1, 2]) + Wire.vec24([0x30, 3])),
            prefixesMayParse: false
        ) { _ = try CertificateMessage.parse($0, tls13: false) },
        Case(
            name: "Certificate (TLS 1.3)",
            bytes: Wire.vec8([]) + Wire.vec24(Wire.vec24([0x30, 1]) + Wire.vec16([0, 5, 0, 0])),
            prefixesMayParse: false
        ) { _ = try CertificateMessage.parse($0, tls13: true) },
        Case(
            name: "CertificateRequest (TLS 1.2)",
            bytes: Wire.vec8([1, 64]) + Wire.vec16(Wire.u16(0x0401)) + Wire.vec16(Wire.vec16([0x30, 0])),
            prefixesMayParse: false
        ) { _ = try CertificateRequest.parse($0, tls12: true) },
        Case(
            name: "CertificateRequest (TLS 1.0)", bytes: Wire.vec8([1]) + Wire.vec16(Wire.vec16([0x30, 0])),
            prefixesMayParse: false
        ) { _ = try CertificateRequest.parse($0, tls12: false) },
        Case(
            name: "ServerKeyExchange (ECDHE)", bytes: Wire.u8(3) + Wire.u16(0x0017) + Wire.vec8([4, 1, 2]),
            prefixesMayParse: true
        ) { _ = try ServerKeyExchange.parse($0, dhe: false) },
        Case(
            name: "ServerKeyExchange (DHE)", bytes: Wire.vec16([0, 0xff, 0xfe]) + Wire.vec16([2]),
            prefixesMayParse: true
        ) {
            _ = try ServerKeyExchange.parse($0, dhe: true)
        },
        Case(name: "NewSessionTicket", bytes: Wire.u32(7200) + Wire.vec16([1, 2, 3, 4]), prefixesMayParse: false) {
            _ = try NewSessionTicket.parse($0)
        },
        Case(name: "record header", bytes: [22, 3, 3, 0, 10], prefixesMayParse: false) {
            var cursor = ByteCursor($0)
            _ = try RecordHeader.parse(&cursor)
        },
    ]

    @Test(arguments: cases)
    func everyPrefixIsAParseErrorOrAValue(_ sweep: Case) throws {
        try sweep.parse(sweep.bytes)
        for length in 0..<sweep.bytes.count {
            let prefix = Array(sweep.bytes[..<length])
            if sweep.prefixesMayParse {
                _ = try? sweep.parse(prefix)
            } else {
                #expect(throws: (any Error).self, "\(sweep.name) cut at \(length)") { try sweep.parse(prefix) }
            }
        }
    }

    @Test(arguments: cases)
    func everyByteRewrittenNeverTraps(_ sweep: Case) {
        for index in sweep.bytes.indices {
            for value: UInt8 in [0x00, 0x01, 0x02, 0x03, 0x10, 0x7f, 0x80, 0xfe, 0xff] {
                var mutated = sweep.bytes
                mutated[index] = value
                _ = try? sweep.parse(mutated)
            }
        }
    }
}
