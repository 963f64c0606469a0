/// Builds TLS wire bytes in tests, field by field, so each case reads like the RFC struct.
public enum Wire {
    public static func u8(_ value: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: value)] }
    public static func u16(_ value: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
    public static func u32(_ value: Int) -> [UInt8] { u16(value >> 16) + u16(value) }
    public static func u24(_ value: Int) -> [UInt8] {
        [
            UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value),
        ]
    }
    public static func vec8(_ body: [UInt8]) -> [UInt8] { u8(body.count) + body }
    public static func vec16(_ body: [UInt8]) -> [UInt8] { u16(body.count) + body }
    public static func vec24(_ body: [UInt8]) -> [UInt8] { u24(body.count) + body }
    public static func ext(_ type: Int, _ body: [UInt8]) -> [UInt8] { u16(type) + vec16(body) }
    public static func handshake(_ type: Int, _ body: [UInt8]) -> [UInt8] { u8(type) + vec24(body) }
    public static func record(_ type: Int, version: Int = 0x0303, _ body: [UInt8]) -> [UInt8] {
        u8(type) + u16(version) + vec16(body)
    }

    /// A TLS 1.3-style ClientHello body like a modern client's, GREASE included.
    public static func clientHelloBody(sni: String = "api.example.com", alpn: [String] = ["h2", "http/1.1"]) -> [UInt8]
    {
        let random = [UInt8](repeating: 0x11, count: 32)
        let sessionID = [UInt8](repeating: 0x22, count: 32)
        let suites = [0x0a0a, 0x1301, 0x1302, 0xc02f, 0x009c].flatMap(u16)
        var extensions: [UInt8] = []
        extensions += ext(0x0a0a, [])  // GREASE
        extensions += ext(0x0000, vec16(u8(0) + vec16(Array(sni.utf8))))  // server_name
        extensions += ext(0x000a, vec16([0x2a2a, 0x001d, 0x0017].flatMap(u16)))  // supported_groups
        extensions += ext(0x000b, vec8([0]))  // ec_point_formats
        extensions += ext(0x000d, vec16([0x0403, 0x0804, 0x0401].flatMap(u16)))  // signature_algorithms
        extensions += ext(0x0010, vec16(alpn.flatMap { vec8(Array($0.utf8)) }))  // ALPN
        extensions += ext(0x002b, vec8([0x3a3a, 0x0304, 0x0303].flatMap(u16)))  // supported_versions
        extensions += ext(0x0033, vec16(u16(0x001d) + vec16([UInt8](repeating: 0x33, count: 32))))  // key_share
        extensions += ext(0x002d, vec8([1]))  // psk_key_exchange_modes
        extensions += ext(0x1234, [9, 9, 9])  // unknown, kept by number
        return u16(0x0303) + random + vec8(sessionID) + vec16(suites) + vec8([0]) + vec16(extensions)
    }

    /// A TLS 1.3 ServerHello body (x25519, TLS_AES_128_GCM_SHA256).
    public static func serverHelloBody(random: [UInt8] = [UInt8](repeating: 0x44, count: 32), group: Int = 0x001d)
        -> [UInt8]
    {
        var extensions: [UInt8] = []
        extensions += ext(0x002b, u16(0x0304))
        extensions += ext(0x0033, u16(group) + vec16([UInt8](repeating: 0x55, count: 32)))
        return u16(0x0303) + random + vec8([UInt8](repeating: 0x22, count: 32)) + u16(0x1301) + u8(0)
            + vec16(extensions)
    }
}
