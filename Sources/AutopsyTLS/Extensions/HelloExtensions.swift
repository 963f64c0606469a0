/// Which side sent a hello: some extensions have a different body in each direction.
public enum HelloSide: Sendable {
    /// The ClientHello.
    case client
    /// The ServerHello or HelloRetryRequest.
    case server
}

/// The extensions of a ClientHello, ServerHello or HelloRetryRequest (RFC 8446, 4.2):
/// the list of types in wire order, and the decoded bodies the flow record uses.
/// Unknown extensions are kept by number.
public struct HelloExtensions: Sendable, Hashable {
    /// Extension types in wire order, GREASE and unknown ones included.
    public var types: [ExtensionType] = []
    /// server_name: the host_name (RFC 6066, 3), as raw bytes.
    public var serverNameBytes: [UInt8]? {
        get { storedServerNameBytes }
        set { setServerName(newValue, text: newValue.flatMap(Self.printableASCII)) }
    }
    private var storedServerNameBytes: [UInt8]?
    /// The host name from server_name, when it is printable ASCII (made once: reports and
    /// rules read it many times per flow).
    public private(set) var serverName: String?

    /// Sets the name's bytes and their text (`printableASCII` of the bytes) together.
    mutating func setServerName(_ bytes: [UInt8]?, text: String?) {
        storedServerNameBytes = bytes
        serverName = text
    }
    /// supported_groups (RFC 8446, 4.2.7), GREASE included.
    public var supportedGroups: [NamedGroup]?
    /// ec_point_formats (RFC 8422, 5.1.2).
    public var ecPointFormats: [UInt8]?
    /// signature_algorithms (RFC 8446, 4.2.3), GREASE included.
    public var signatureAlgorithms: [SignatureScheme]?
    /// application_layer_protocol_negotiation protocol names (RFC 7301), raw bytes.
    public var alpn: [[UInt8]]?
    /// supported_versions: the client's list, or the server's one selected version (RFC 8446, 4.2.1).
    public var supportedVersions: [ProtocolVersion]?
    /// key_share groups: the client's shares, the server's share, or an HRR's selected group (RFC 8446, 4.2.8).
    public var keyShareGroups: [NamedGroup]?
    /// psk_key_exchange_modes (RFC 8446, 4.2.9).
    public var pskKeyExchangeModes: [UInt8]?
    /// pre_shared_key: the number of identities offered, or (server) the index selected.
    public var preSharedKeyIdentities: Int?
    /// The server accepted a PSK (pre_shared_key in a ServerHello): selected identity index.
    public var selectedPSKIdentity: Int?
    /// session_ticket (RFC 5077): the ticket's length (0: the client asks for a new one).
    public var sessionTicketLength: Int?
    /// encrypted_client_hello (draft-ietf-tls-esni): present, with its outer fields when parseable.
    public var encryptedClientHello: EncryptedClientHelloInfo?
    /// The padding extension's length (RFC 7685).
    public var paddingLength: Int?

    /// No extensions.
    public init() {}

    /// ALPN protocol names for display: printable ASCII as text, anything else as `0x` and hex.
    public var alpnNames: [String]? {
        alpn?.map(Self.alpnName)
    }

    /// One ALPN protocol name for display, as `alpnNames` spells it.
    @usableFromInline static func alpnName(_ bytes: [UInt8]) -> String {
        printableASCII(bytes) ?? ("0x" + hex(bytes))
    }

    /// Whether an extension of this type was present.
    public func contains(_ type: ExtensionType) -> Bool { types.contains(type) }

    static func printableASCII(_ bytes: [UInt8]) -> String? {
        guard isPrintableASCII(bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `bytes` are printable ASCII, and not none (what `printableASCII` spells).
    static func isPrintableASCII(_ bytes: [UInt8]) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { (0x20...0x7e).contains($0) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }

    /// Parses an extensions block into `result` (empty; a hello's own). An extension whose
    /// body does not parse is kept by type and noted as an anomaly; only a block whose framing
    /// is broken throws. Parsed in place: a block returned was copied whole on the way out
    /// (every list retained, then released). Lists go through `lists` when there is one.
    static func parse(
        _ cursor: inout ByteCursor, side: HelloSide, anomalies: inout [Anomaly], into result: inout HelloExtensions,
        lists: HelloListCache? = nil
    ) throws(ParseError) {
        // The types are read into the cache's scratch list when there is a cache, then the kept
        // list with the same types is the hello's (no allocation); else into a list of their
        // own, with room for every extension the block can hold (4 bytes each at least) up to 32.
        var types: [ExtensionType] = []
        if let lists {
            swap(&types, &lists.typeScratch)
            types.removeAll(keepingCapacity: true)
        } else {
            types.reserveCapacity(min(cursor.remaining / 4, 32))
        }
        while !cursor.isAtEnd {
            let type = ExtensionType(rawValue: try cursor.readUInt16("extension.type"))
            try cursor.withVector(lengthBytes: 2, allowed: 0...0xffff, "extension.data") { (body) throws(ParseError) in
                if types.contains(type) && !type.isGREASE {
                    anomalies.append(Anomaly(.duplicateExtension, detail: type.description))
                }
                types.append(type)
                do {
                    try result.decode(type, &body, side: side, lists: lists)
                } catch {
                    anomalies.append(Anomaly(.malformedExtension, detail: type.description))
                }
            }
        }
        if let lists {
            result.types = lists.extensionTypes.share(types)
            swap(&types, &lists.typeScratch)
        } else {
            result.types = types
        }
        if side == .client, let index = result.types.firstIndex(of: .preSharedKey), index != result.types.count - 1 {
            anomalies.append(Anomaly(.preSharedKeyNotLast))
        }
        if side == .server, result.types.contains(where: \.isGREASE) {
            anomalies.append(Anomaly(.greaseInServerHello))
        }
        if let name = result.serverNameBytes {
            // `serverName` holds the name's text, made when the bytes were set.
            if result.serverName == nil {
                anomalies.append(Anomaly(.nonASCIIName, detail: "server_name"))
            } else if Self.looksLikeIPAddress(name) {
                anomalies.append(Anomaly(.ipAddressInSNI))
            }
        }
        if let names = result.alpn, names.contains(where: { !Self.isPrintableASCII($0) }) {
            anomalies.append(Anomaly(.nonASCIIName, detail: "application_layer_protocol_negotiation"))
        }
    }

    static func looksLikeIPAddress(_ name: [UInt8]) -> Bool {
        let isDotted =
            name.allSatisfy { $0 == 0x2e || (0x30...0x39).contains($0) } && name.count(where: { $0 == 0x2e }) == 3
        let isV6 = name.contains(0x3a)
        return isDotted || isV6
    }

    private mutating func decode(
        _ type: ExtensionType, _ body: inout ByteCursor, side: HelloSide, lists: HelloListCache?
    ) throws(ParseError) {
        switch type {
        case .serverName where side == .client:
            let name = try Self.parseServerName(&body, lists?.names)
            setServerName(name?.bytes, text: name?.text)
        case .supportedGroups:
            supportedGroups = try body.withVector(lengthBytes: 2, allowed: 0...0xffff, "supported_groups") {
                (list) throws(ParseError) in
                try HelloListCache.read(&list, "supported_groups", lists?.groups, NamedGroup.init(rawValue:))
            }
        case .ecPointFormats:
            ecPointFormats = try body.withVector(lengthBytes: 1, allowed: 0...0xff, "ec_point_formats") {
                SharedLists.bytes(&$0)
            }
        case .signatureAlgorithms:
            signatureAlgorithms = try body.withVector(lengthBytes: 2, allowed: 0...0xffff, "signature_algorithms") {
                (list) throws(ParseError) in
                try HelloListCache.read(
                    &list, "signature_algorithms", lists?.signatures, SignatureScheme.init(rawValue:))
            }
        case .alpn:
            alpn = try Self.parseALPN(&body)
        case .supportedVersions:
            if side == .client {
                supportedVersions = try body.withVector(lengthBytes: 1, allowed: 0...0xff, "supported_versions") {
                    (list) throws(ParseError) in
                    try HelloListCache.read(
                        &list, "supported_versions", lists?.versions, ProtocolVersion.init(rawValue:))
                }
            } else {
                supportedVersions = SharedLists.list(
                    of: ProtocolVersion(rawValue: try body.readUInt16("supported_versions.selected")))
            }
        case .keyShare:
            keyShareGroups = try Self.parseKeyShare(&body, side: side)
        case .pskKeyExchangeModes:
            pskKeyExchangeModes = try body.withVector(lengthBytes: 1, allowed: 0...0xff, "psk_key_exchange_modes") {
                SharedLists.bytes(&$0)
            }
        case .preSharedKey:
            if side == .client {
                preSharedKeyIdentities = try body.withVector(
                    lengthBytes: 2, allowed: 7...0xffff, "pre_shared_key.identities"
                ) { (identities) throws(ParseError) in
                    var count = 0
                    while !identities.isAtEnd {
                        try identities.skipVector(lengthBytes: 2, allowed: 1...0xffff, "pre_shared_key.identity")
                        try identities.skip(count: 4, "pre_shared_key.obfuscated_ticket_age")
                        count += 1
                    }
                    return count
                }
            } else {
                selectedPSKIdentity = Int(try body.readUInt16("pre_shared_key.selected_identity"))
            }
        case .sessionTicket:
            sessionTicketLength = body.remaining
        case .encryptedClientHello:
            encryptedClientHello = EncryptedClientHelloInfo.parse(&body, side: side)
        case .padding:
            paddingLength = body.remaining
        default:
            break
        }
    }

    /// The first host_name, its bytes and text (through `names`, the recent names, when given).
    private static func parseServerName(_ body: inout ByteCursor, _ names: RecentNames?) throws(ParseError)
        -> RecentNames.Name?
    {
        // An empty server_name is what a server echoes; a client's carries a list (RFC 6066, 3).
        if body.isAtEnd { return nil }
        return try body.withVector(lengthBytes: 2, allowed: 1...0xffff, "server_name_list") {
            (list) throws(ParseError) in
            var hostName: RecentNames.Name?
            while !list.isAtEnd {
                let nameType = try list.readUInt8("server_name.name_type")
                try list.withVector(lengthBytes: 2, allowed: 1...0xffff, "server_name.host_name") { name in
                    guard nameType == 0 && hostName == nil else { return }
                    hostName = names?.read(&name) ?? RecentNames.unkept(&name)
                }
            }
            return hostName
        }
    }

    private static func parseALPN(_ body: inout ByteCursor) throws(ParseError) -> [[UInt8]] {
        try body.withVector(lengthBytes: 2, allowed: 2...0xffff, "protocol_name_list") { (list) throws(ParseError) in
            var names: [[UInt8]] = []
            while !list.isAtEnd {
                names.append(
                    try list.withVector(lengthBytes: 1, allowed: 1...0xff, "protocol_name") { SharedLists.name(&$0) })
            }
            return names
        }
    }

    private static func parseKeyShare(_ body: inout ByteCursor, side: HelloSide) throws(ParseError) -> [NamedGroup] {
        switch side {
        case .client:
            return try body.withVector(lengthBytes: 2, allowed: 0...0xffff, "key_share.client_shares") {
                (shares) throws(ParseError) in
                var groups: [NamedGroup] = []
                while !shares.isAtEnd {
                    let group = NamedGroup(rawValue: try shares.readUInt16("key_share.group"))
                    try shares.skipVector(lengthBytes: 2, allowed: 1...0xffff, "key_share.key_exchange")
                    // A single share (the common case) of a common group is a shared list.
                    if groups.isEmpty && shares.isAtEnd { return SharedLists.list(of: group) }
                    groups.append(group)
                }
                return groups
            }
        case .server:
            // ServerHello: one KeyShareEntry; HelloRetryRequest: only the selected group.
            let group = NamedGroup(rawValue: try body.readUInt16("key_share.group"))
            if !body.isAtEnd {
                try body.skipVector(lengthBytes: 2, allowed: 1...0xffff, "key_share.key_exchange")
            }
            return SharedLists.list(of: group)
        }
    }
}

/// What an encrypted_client_hello extension shows in clear (draft-ietf-tls-esni, 5).
public struct EncryptedClientHelloInfo: Sendable, Hashable {
    /// 0: outer ClientHello (the real hello is encrypted inside), 1: inner; nil when the body is the server's retry configs.
    public var type: UInt8?
    /// HPKE KDF id of the cipher suite (outer only).
    public var kdf: UInt16?
    /// HPKE AEAD id of the cipher suite (outer only).
    public var aead: UInt16?
    /// The ECH config id (outer only).
    public var configID: UInt8?
    /// Length of the encrypted payload (outer only).
    public var payloadLength: Int?

    static func parse(_ body: inout ByteCursor, side: HelloSide) -> EncryptedClientHelloInfo {
        var info = EncryptedClientHelloInfo()
        guard side == .client, let type = try? body.readUInt8("ech.type") else { return info }
        info.type = type
        guard type == 0 else { return info }
        info.kdf = try? body.readUInt16("ech.kdf_id")
        info.aead = try? body.readUInt16("ech.aead_id")
        info.configID = try? body.readUInt8("ech.config_id")
        _ = try? body.readVector(lengthBytes: 2, allowed: 0...0xffff, "ech.enc")
        if let payload = try? body.readVector(lengthBytes: 2, allowed: 0...0xffff, "ech.payload") {
            info.payloadLength = payload.remaining
        }
        return info
    }
}
