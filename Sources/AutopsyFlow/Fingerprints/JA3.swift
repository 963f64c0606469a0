import AutopsyTLS
import Crypto

/// JA3 and JA3S, the TLS client and server fingerprints of salesforce/ja3 (README, "How it works"
/// and "JA3S").
///
/// JA3 is the MD5 of `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`:
/// each field a list of decimal values joined by `-`, in the order of the ClientHello, with the
/// GREASE values of RFC 8701 left out; a field with nothing in it stays empty
/// (`769,4-5-10-9-100-98-3-6-19-18-99,,,`). JA3S is the same over a ServerHello's
/// `SSLVersion,Cipher,Extensions`.
public enum JA3 {
    /// The JA3 input string of a ClientHello.
    ///
    /// - `SSLVersion`: `legacy_version` (not supported_versions, not the record header's version).
    /// - `Ciphers`: `cipher_suites` in wire order, GREASE removed.
    /// - `Extensions`: extension types in wire order, GREASE removed.
    /// - `EllipticCurves`: supported_groups in wire order, GREASE removed.
    /// - `EllipticCurvePointFormats`: ec_point_formats in wire order.
    ///
    /// An SSL 2.0 CLIENT-HELLO (or an SSL 2.0-compatible one offering TLS) has no extensions: its
    /// fingerprint is its version and every cipher spec as a 3-byte number
    /// (`2,458944-327808-...,,,`, as CESNET FlowTest's `tls_ssl20` annotation expects). `ClientHello`
    /// keeps TLS suites and SSL 2.0 kinds in two lists, so when a hello mixes both the TLS suites
    /// come first here rather than in their wire interleaving.
    public static func string(_ hello: ClientHello) -> String {
        let version = String(hello.legacyVersion.rawValue)
        if hello.isSSLv2Compatible {
            let specs = hello.sslv2CipherSpecs
            return [version, decimalList(specs), "", "", ""].joined(separator: ",")
        }
        let extensions = hello.extensions
        let ciphers = hello.cipherSuites.filter { !$0.isGREASE }.map(\.rawValue)
        let types = extensions.types.filter { !$0.isGREASE }.map(\.rawValue)
        let groups = (extensions.supportedGroups ?? []).filter { !$0.isGREASE }.map(\.rawValue)
        let formats = extensions.ecPointFormats ?? []
        return [version, decimalList(ciphers), decimalList(types), decimalList(groups), decimalList(formats)]
            .joined(separator: ",")
    }

    /// The JA3 fingerprint of a ClientHello: the MD5 of `string(_:)`, 32 lowercase hex digits.
    public static func hash(_ hello: ClientHello) -> String {
        md5Hex(string(hello))
    }

    /// The JA3S input string of a ServerHello (or HelloRetryRequest): `legacy_version`, the chosen
    /// cipher suite and the extension types in wire order, all decimal, GREASE removed (a server
    /// should send none). For an SSL 2.0 SERVER-HELLO the cipher is the first cipher kind it lists,
    /// as a 3-byte number, and there are no extensions.
    public static func serverString(_ hello: ServerHello) -> String {
        let cipher: UInt32 =
            hello.isSSLv2 ? (hello.sslv2CipherKind ?? 0) : UInt32(hello.cipherSuite.rawValue)
        let types = hello.extensions.types.filter { !$0.isGREASE }.map(\.rawValue)
        return "\(hello.legacyVersion.rawValue),\(cipher),\(decimalList(types))"
    }

    /// The JA3S fingerprint of a ServerHello: the MD5 of `serverString(_:)`, 32 lowercase hex digits.
    public static func serverHash(_ hello: ServerHello) -> String {
        md5Hex(serverString(hello))
    }

    private static func decimalList<Value: BinaryInteger>(_ values: [Value]) -> String {
        values.map { String($0) }.joined(separator: "-")
    }

    static func md5Hex(_ text: String) -> String {
        FingerprintText.lowercaseHex(Insecure.MD5.hash(data: Array(text.utf8)))
    }
}

/// Helpers shared by the fingerprints.
enum FingerprintText {
    private static let digits: [Character] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f",
    ]

    /// The bytes as lowercase hex, two digits each.
    static func lowercaseHex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// A 16-bit value as four lowercase hex digits (`0x2f` is `002f`).
    static func hex4(_ value: UInt16) -> String {
        lowercaseHex([UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }
}
