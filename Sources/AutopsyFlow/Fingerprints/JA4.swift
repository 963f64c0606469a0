import AutopsyTLS
import Crypto

/// JA4, the TLS client fingerprint of FoxIO-LLC/ja4 (`technical_details/JA4.md`):
/// `JA4_a_JA4_b_JA4_c`, for example `t13d1516h2_8daaf6152771_e5627efa2ab1`.
///
/// - `JA4_a`: transport (`t` TCP, `q` QUIC, `d` DTLS), version (`13`, `12`, `11`, `10`, `s3`,
///   `s2`, `d1`, `d2`, `d3`, else `00`), `d` when the server_name extension is present else `i`,
///   the number of cipher suites and of extensions as two digits (GREASE not counted, at most 99),
///   and the first and last characters of the first ALPN value (`00` when there is none).
/// - `JA4_b`: the first 12 hex digits of the SHA-256 of the cipher suites as 4-digit lowercase hex,
///   sorted, comma-joined; `000000000000` when there are none.
/// - `JA4_c`: the same over the sorted extension types without server_name (`0000`) and ALPN
///   (`0010`), followed by `_` and the signature algorithms in wire order when there are any;
///   `000000000000` when no extension is left.
///
/// GREASE values (RFC 8701) are left out everywhere: cipher suites, extensions, supported_versions
/// and signature algorithms.
public enum JA4 {
    /// What carried the ClientHello: the first character of the fingerprint.
    public enum Transport: Sendable, Hashable {
        /// TLS over TCP: `t`.
        case tcp
        /// QUIC: `q`.
        case quic
        /// DTLS: `d`.
        case dtls
    }

    /// The JA4 fingerprint of a ClientHello (`t13d1516h2_8daaf6152771_e5627efa2ab1`).
    ///
    /// An SSL 2.0-compatible CLIENT-HELLO has cipher specs, not a TLS `cipher_suites` list, and no
    /// extensions: like FoxIO's own tools (which read Wireshark's `tls.handshake.ciphersuite`,
    /// empty for such a hello) its fingerprint counts no ciphers, for example
    /// `t10i000000_000000000000_000000000000`.
    public static func fingerprint(_ hello: ClientHello, transport: Transport = .tcp) -> String {
        let parts = Parts(hello, transport: transport)
        let ciphers = parts.ciphers.isEmpty ? empty : hash12(parts.ciphers.joined(separator: ","))
        let extensions = parts.extensions.isEmpty ? empty : hash12(parts.extensionsAndSignatures)
        return parts.prefix + "_" + ciphers + "_" + extensions
    }

    /// JA4_r, the raw fingerprint: `JA4_a`, then the sorted cipher list, then the sorted extension
    /// list and the signature algorithms, unhashed
    /// (`t13d1516h2_002f,0035,..._0005,000a,..._0403,0804,...`).
    public static func raw(_ hello: ClientHello, transport: Transport = .tcp) -> String {
        let parts = Parts(hello, transport: transport)
        return parts.prefix + "_" + parts.ciphers.joined(separator: ",") + "_" + parts.extensionsAndSignatures
    }

    /// `JA4_b` or `JA4_c` of a list with no values.
    private static let empty = "000000000000"

    /// The pieces both forms are made of.
    private struct Parts {
        /// `JA4_a`.
        var prefix: String
        /// Cipher suites as 4-digit hex, sorted.
        var ciphers: [String]
        /// Extension types as 4-digit hex without SNI and ALPN, sorted.
        var extensions: [String]
        /// Signature algorithms as 4-digit hex, in wire order.
        var signatures: [String]

        init(_ hello: ClientHello, transport: Transport) {
            let suites = hello.isSSLv2Compatible ? [] : hello.cipherSuites.filter { !$0.isGREASE }.map(\.rawValue)
            let types = hello.extensions.types.filter { !$0.isGREASE }
            let sni = types.contains(.serverName) ? "d" : "i"
            prefix =
                JA4.transportMark(transport) + JA4.version(hello) + sni + JA4.count(suites.count)
                + JA4.count(types.count) + JA4.alpn(hello.extensions.alpn?.first)
            ciphers = suites.sorted().map(FingerprintText.hex4)
            extensions =
                types.filter { $0 != .serverName && $0 != .alpn }.map(\.rawValue).sorted().map(FingerprintText.hex4)
            signatures = (hello.extensions.signatureAlgorithms ?? []).filter { !$0.isGREASE }.map {
                FingerprintText.hex4($0.rawValue)
            }
        }

        /// The input of `JA4_c`: the extension list, then `_` and the signature algorithms when
        /// there are any.
        var extensionsAndSignatures: String {
            let list = extensions.joined(separator: ",")
            return signatures.isEmpty ? list : list + "_" + signatures.joined(separator: ",")
        }
    }

    private static func transportMark(_ transport: Transport) -> String {
        switch transport {
        case .tcp: return "t"
        case .quic: return "q"
        case .dtls: return "d"
        }
    }

    /// The version: the highest supported_versions value (GREASE ignored) when the extension is
    /// there, else `legacy_version`. DTLS numbers count down (DTLS 1.3 is 0xfefc, 1.2 0xfefd), so
    /// a list of DTLS versions yields its lowest number, the highest version; any other list its
    /// highest number, as the spec says (a TLS 1.3 draft, 0x7fXX, is then `00`).
    static func version(_ hello: ClientHello) -> String {
        guard hello.extensions.contains(.supportedVersions) else { return versionCode(hello.legacyVersion.rawValue) }
        let offered = (hello.extensions.supportedVersions ?? []).filter { !$0.isGREASE }.map(\.rawValue)
        let isDTLS = !offered.isEmpty && offered.allSatisfy { $0 >> 8 == 0xFE }
        guard let highest = isDTLS ? offered.min() : offered.max() else { return "00" }
        return versionCode(highest)
    }

    private static func versionCode(_ version: UInt16) -> String {
        switch version {
        case 0x0304: return "13"
        case 0x0303: return "12"
        case 0x0302: return "11"
        case 0x0301: return "10"
        case 0x0300: return "s3"
        case 0x0002: return "s2"
        case 0xFEFF: return "d1"
        case 0xFEFD: return "d2"
        case 0xFEFC: return "d3"
        default: return "00"
        }
    }

    /// Two digits, at most 99.
    private static func count(_ value: Int) -> String {
        let capped = min(value, 99)
        return capped < 10 ? "0\(capped)" : "\(capped)"
    }

    /// The first and last characters of the first ALPN value; when either is not an ASCII letter
    /// or digit, the first and last digits of the value's hex instead (`0x30 0xab` is `3b`);
    /// `00` when there is no value.
    static func alpn(_ value: [UInt8]?) -> String {
        guard let value, let first = value.first, let last = value.last else { return "00" }
        if isAlphanumeric(first) && isAlphanumeric(last) {
            return String(decoding: [first, last], as: UTF8.self)
        }
        let hex = FingerprintText.lowercaseHex(value)
        return String(hex.prefix(1)) + String(hex.suffix(1))
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func hash12(_ text: String) -> String {
        String(FingerprintText.lowercaseHex(SHA256.hash(data: Array(text.utf8))).prefix(12))
    }
}
