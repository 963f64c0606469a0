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
    /// The weak parts its name shows.
    var weaknesses: CipherSuiteWeaknesses

    /// What an unnamed value gets: nothing is known about it.
    static let unknown = CipherSuiteTraits(
        keyExchange: .other, isTLS13: false, isLegacy: false, isSCSV: false, weaknesses: [])
}

/// Weak parts of a cipher suite that a diagnosis counts in an offer, as its IANA name shows
/// them (`_CBC_`, `3DES`, `RC4`, `NULL`, `EXPORT` anywhere in the name; classified by
/// Tests/Tools/gen-registries.py).
public struct CipherSuiteWeaknesses: OptionSet, Sendable, Hashable {
    /// The set's bits.
    public let rawValue: UInt8
    /// The set of these bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// CBC mode.
    public static let cbc = CipherSuiteWeaknesses(rawValue: 1 << 0)
    /// Triple DES.
    public static let tripleDES = CipherSuiteWeaknesses(rawValue: 1 << 1)
    /// RC4.
    public static let rc4 = CipherSuiteWeaknesses(rawValue: 1 << 2)
    /// No encryption, or no authentication (`NULL` in the name).
    public static let null = CipherSuiteWeaknesses(rawValue: 1 << 3)
    /// Export-grade key sizes.
    public static let export = CipherSuiteWeaknesses(rawValue: 1 << 4)
}
