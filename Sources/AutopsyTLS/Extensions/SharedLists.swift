/// Lists that nearly every hello holds alike, stored once and shared by every hello that
/// holds them: a one-byte list of 0 or 1 (compression methods, point formats, PSK modes),
/// OpenSSL's three point formats (0, 1, 2: uncompressed and both compressed forms), a
/// server's one selected version, a key share of one common group, the ALPN names of HTTP.
/// Each would otherwise be an array allocated (and freed) per hello.
enum SharedLists {
    static let zero: [UInt8] = [0]
    static let one: [UInt8] = [1]
    static let zeroOneTwo: [UInt8] = [0, 1, 2]
    static let tls13: [ProtocolVersion] = [.tls13]
    static let tls12: [ProtocolVersion] = [.tls12]
    static let x25519: [NamedGroup] = [.x25519]
    static let secp256r1: [NamedGroup] = [.secp256r1]
    static let secp384r1: [NamedGroup] = [.secp384r1]
    static let x25519MLKEM768: [NamedGroup] = [.x25519MLKEM768]
    static let h2: [UInt8] = Array("h2".utf8)
    static let http11: [UInt8] = Array("http/1.1".utf8)

    /// `[version]`.
    static func list(of version: ProtocolVersion) -> [ProtocolVersion] {
        switch version {
        case .tls13: tls13
        case .tls12: tls12
        default: [version]
        }
    }

    /// `[group]`.
    static func list(of group: NamedGroup) -> [NamedGroup] {
        switch group {
        case .x25519: x25519
        case .secp256r1: secp256r1
        case .secp384r1: secp384r1
        case .x25519MLKEM768: x25519MLKEM768
        default: [group]
        }
    }

    /// The bytes left in `cursor`: a list of one-byte values.
    static func bytes(_ cursor: inout ByteCursor) -> [UInt8] {
        if cursor.readRemaining(ifEqualTo: zero) { return zero }
        if cursor.readRemaining(ifEqualTo: one) { return one }
        if cursor.readRemaining(ifEqualTo: zeroOneTwo) { return zeroOneTwo }
        return cursor.readRemaining()
    }

    /// The bytes left in `cursor`: an ALPN protocol name.
    static func name(_ cursor: inout ByteCursor) -> [UInt8] {
        if cursor.readRemaining(ifEqualTo: h2) { return h2 }
        if cursor.readRemaining(ifEqualTo: http11) { return http11 }
        return cursor.readRemaining()
    }
}
