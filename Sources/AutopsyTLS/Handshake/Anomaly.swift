/// Something odd but parseable a peer did: recorded on the flow, not an error. The
/// analyzer describes peers; it does not police them.
public struct Anomaly: Sendable, Hashable, CustomStringConvertible {
    /// Which oddity.
    public enum Kind: String, Sendable, Hashable {
        /// The same extension appeared twice in one hello (RFC 8446, 4.2).
        case duplicateExtension = "duplicate_extension"
        /// pre_shared_key was not the last extension of the ClientHello (RFC 8446, 4.2.11).
        case preSharedKeyNotLast = "pre_shared_key_not_last"
        /// The SNI holds an IP address literal (RFC 6066, 3 forbids it).
        case ipAddressInSNI = "ip_address_in_sni"
        /// The SNI or ALPN holds bytes that are not printable ASCII.
        case nonASCIIName = "non_ascii_name"
        /// A GREASE value appeared where only the client may use one.
        case greaseInServerHello = "grease_in_server_hello"
        /// An extension's body did not parse; its type is kept.
        case malformedExtension = "malformed_extension"
        /// Bytes followed the last field of a message.
        case trailingBytes = "trailing_bytes"
        /// The handshake continued in SSL 2.0 record format.
        case sslv2Record = "sslv2_record"
        /// A handshake, alert or change_cipher_spec record of length zero (RFC 8446, 5.1 forbids them).
        case emptyRecord = "empty_record"
    }

    /// Which oddity.
    public var kind: Kind
    /// The extension or field concerned, when there is one (e.g. `0x0000` for server_name).
    public var detail: String?

    /// Creates an anomaly.
    public init(_ kind: Kind, detail: String? = nil) {
        self.kind = kind
        self.detail = detail
    }

    /// `kind` and, when present, `(detail)`.
    public var description: String {
        detail.map { "\(kind.rawValue) (\($0))" } ?? kind.rawValue
    }
}
