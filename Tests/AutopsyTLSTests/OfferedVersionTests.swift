import Testing

@testable import AutopsyTLS

/// The highest version a ClientHello offers, and whether it offers TLS 1.3, read straight off
/// supported_versions (or legacy_version): the same answers as the list `offeredVersions`.
@Suite struct OfferedVersionTests {
    static func hello(legacy: UInt16, supported: [UInt16]?) -> ClientHello {
        var hello = ClientHello(legacyVersion: ProtocolVersion(rawValue: legacy), random: [], sessionID: [])
        hello.extensions.supportedVersions = supported?.map(ProtocolVersion.init(rawValue:))
        return hello
    }

    static let cases: [(legacy: UInt16, supported: [UInt16]?, highest: UInt16?, tls13: Bool)] = [
        (0x0303, nil, 0x0303, false),  // TLS 1.2 by legacy_version alone
        (0x0301, nil, 0x0301, false),
        (0x0303, [0x0A0A, 0x0304, 0x0303], 0x0304, true),  // GREASE first
        (0x0303, [0x0303, 0x0304], 0x0304, true),  // out of order
        (0x0303, [0x7F1C, 0x0303], 0x7F1C, true),  // a TLS 1.3 draft
        (0x0303, [0x0304, 0x7F1C], 0x0304, true),  // TLS 1.3 and a draft share a rank: the first
        (0x0303, [0x0A0A, 0xFEFD], nil, false),  // GREASE and DTLS 1.2 only: no real version
        (0x0303, [], nil, false),  // an empty list: nothing offered
        (0x0304, nil, 0x0304, true),
    ]

    @Test func theHighestVersionAndTLS13AreReadOffTheList() {
        for entry in Self.cases {
            let hello = Self.hello(legacy: entry.legacy, supported: entry.supported)
            #expect(hello.highestOfferedVersion?.rawValue == entry.highest, "\(entry)")
            #expect(hello.offersTLS13OrDraft == entry.tls13, "\(entry)")
            let listed = hello.offeredVersions.filter { $0.ordinal != nil }.max {
                ($0.ordinal ?? 0) < ($1.ordinal ?? 0)
            }
            #expect(hello.highestOfferedVersion == listed, "\(entry)")
            #expect(hello.offersTLS13OrDraft == hello.offeredVersions.contains(where: \.isTLS13OrDraft), "\(entry)")
        }
    }
}
