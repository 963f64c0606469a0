/// The classification of one cipher suite, as generated from its IANA name.
struct CipherSuiteTraits: Sendable, Hashable {
    /// The key exchange family.
    var keyExchange: KeyExchangeClass
    /// Whether the suite is a TLS 1.3 suite.
    var isTLS13: Bool
    /// Whether the suite uses anything the analyzer calls legacy (see `CipherSuite.isLegacy`).
    var isLegacy: Bool
    /// Whether the value is a signalling value rather than a suite.
    var isSCSV: Bool

    /// What an unnamed value gets: nothing is known about it.
    static let unknown = CipherSuiteTraits(keyExchange: .other, isTLS13: false, isLegacy: false, isSCSV: false)
}
