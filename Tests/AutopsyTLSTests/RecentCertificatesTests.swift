import AutopsyTestSupport
import Testing

@testable import AutopsyTLS

/// A Certificate message parsed through a `RecentCertificates` reads exactly as one parsed
/// alone; a certificate met lately is the kept array itself; certificates that share a
/// slot (the same length and last bytes) are told apart by their bytes; the table stays
/// bounded whatever it is fed.
@Suite struct RecentCertificatesTests {
    static func storage(_ bytes: [UInt8]) -> UnsafeRawPointer? {
        bytes.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    /// A certificate-like byte string: `count` bytes drawn from `seed`.
    static func der(_ seed: Int, count: Int = 1_200) -> [UInt8] {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static func message(_ certificates: [[UInt8]], tls13: Bool = false) -> [UInt8] {
        guard tls13 else { return Wire.vec24(certificates.flatMap(Wire.vec24)) }
        return Wire.vec8([]) + Wire.vec24(certificates.flatMap { Wire.vec24($0) + Wire.vec16([]) })
    }

    static func parse(_ body: [UInt8], tls13: Bool = false, _ kept: RecentCertificates?) throws(ParseError)
        -> [[UInt8]]
    {
        try CertificateMessage.parse(ByteCursor(body), tls13: tls13, kept: kept).certificates
    }

    @Test func aSecondChainHoldsTheFirstOnesArrays() throws {
        let kept = RecentCertificates()
        let chain = [Self.der(1), Self.der(2, count: 900), Self.der(3, count: 33)]
        let first = try Self.parse(Self.message(chain), kept)
        let second = try Self.parse(Self.message(chain, tls13: true), tls13: true, kept)
        #expect(first == chain && second == chain)
        #expect(try Self.parse(Self.message(chain), nil) == chain)
        for index in chain.indices {
            #expect(Self.storage(second[index]) == Self.storage(first[index]))
            #expect(Self.storage(first[index]) != Self.storage(chain[index]))
        }
        #expect(kept.count == 3)
    }

    /// Two certificates of one length and the same last bytes take one slot: each reads its
    /// own bytes, the newer one kept.
    @Test func certificatesSharingASlotAreToldApartByTheirBytes() throws {
        let kept = RecentCertificates()
        let one = Self.der(7)
        var other = one
        other[0] ^= 0xff
        other[500] ^= 0x01
        let first = try Self.parse(Self.message([one]), kept)
        let second = try Self.parse(Self.message([other]), kept)
        let third = try Self.parse(Self.message([one]), kept)
        #expect(first == [one] && second == [other] && third == [one])
        #expect(Self.storage(third[0]) != Self.storage(first[0]))
        #expect(kept.count == 1)
    }

    /// Past `longestKept` bytes a certificate is read and not kept; however many
    /// certificates pass, at most `slots` are kept.
    @Test func theTableStaysBounded() throws {
        let kept = RecentCertificates()
        let long = Self.der(9, count: RecentCertificates.longestKept + 1)
        #expect(try Self.parse(Self.message([long]), kept) == [long])
        #expect(kept.count == 0)
        for seed in 0..<(RecentCertificates.slots * 4) {
            let der = Self.der(100 + seed, count: 64 + seed % 50)
            #expect(try Self.parse(Self.message([der]), kept) == [der])
        }
        #expect(kept.count <= RecentCertificates.slots)
        #expect(kept.count > RecentCertificates.slots / 2)
    }

    /// A cut message throws through the table as it does without one, and leaves nothing kept.
    @Test func aTruncatedMessageThrowsAndKeepsNothing() {
        let kept = RecentCertificates()
        let message = Self.message([Self.der(11, count: 40)])
        for length in 0..<message.count {
            #expect(throws: ParseError.self) { try Self.parse(Array(message[..<length]), kept) }
        }
        #expect(kept.count == 0)
    }
}
