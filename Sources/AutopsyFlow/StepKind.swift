import AutopsyTLS

/// What one step of the exchange was, as two bytes instead of a text: a handshake message
/// (by type), a change_cipher_spec, an alert, an encrypted record of one kind or another,
/// an SSL 2.0 message, or a record of a content type TLS does not define.
///
/// A step is made for every message of every flow and written into every line; a text per
/// step cost a reference count each time it was stored, copied, written and freed. `name`
/// gives the text the report shows (`client_hello`, `encrypted_handshake`, `record_99`):
/// lower-case letters, digits and underscores only, so it never needs a JSON escape.
public struct StepKind: Sendable, Hashable, CustomStringConvertible {
    enum Tag: UInt8, Sendable {
        case handshake, changeCipherSpec, alert, encryptedAlert, encryptedHandshake, encryptedRecord
        case encryptedAlertSizedRecord, applicationData, sslv2Encrypted, clientMasterKey, sslv2Message, record
    }

    let tag: Tag
    /// The handshake type, SSL 2.0 message type or content type; 0 for the other kinds.
    let value: UInt8

    init(_ tag: Tag, _ value: UInt8 = 0) {
        self.tag = tag
        self.value = value
    }

    /// A handshake message of type `type` (an SSL 2.0 CLIENT-HELLO and SERVER-HELLO count as
    /// `client_hello` and `server_hello`).
    public static func handshake(_ type: HandshakeType) -> StepKind { StepKind(.handshake, type.rawValue) }
    /// `change_cipher_spec`.
    public static let changeCipherSpec = StepKind(.changeCipherSpec)
    /// `alert`: a plaintext alert.
    public static let alert = StepKind(.alert)
    /// `encrypted_alert`: an alert record after the keys changed.
    public static let encryptedAlert = StepKind(.encryptedAlert)
    /// `encrypted_handshake`: an encrypted handshake record (a TLS 1.3 server's first, a
    /// client's Finished).
    public static let encryptedHandshake = StepKind(.encryptedHandshake)
    /// `encrypted_record`: a TLS 1.3 server's later encrypted records.
    public static let encryptedRecord = StepKind(.encryptedRecord)
    /// `encrypted_alert_sized_record`: a TLS 1.3 client's first encrypted record when it has
    /// the size of an alert, not of a Finished.
    public static let encryptedAlertSizedRecord = StepKind(.encryptedAlertSizedRecord)
    /// `application_data`.
    public static let applicationData = StepKind(.applicationData)
    /// `sslv2_encrypted`: an encrypted SSL 2.0 record.
    public static let sslv2Encrypted = StepKind(.sslv2Encrypted)
    /// `client_master_key`: SSL 2.0's CLIENT-MASTER-KEY.
    public static let clientMasterKey = StepKind(.clientMasterKey)
    /// `sslv2_message_N`: another SSL 2.0 message, of type N.
    public static func sslv2Message(_ type: UInt8) -> StepKind { StepKind(.sslv2Message, type) }
    /// `record_N`: a record of content type N, which TLS does not define.
    public static func record(_ contentType: UInt8) -> StepKind { StepKind(.record, contentType) }

    /// The text the report shows: a handshake type's IANA name (`handshake_N` for a type the
    /// registry does not name), else the kind's own name.
    public var name: String {
        switch tag {
        case .handshake: HandshakeType(rawValue: value).name ?? "handshake_\(value)"
        case .changeCipherSpec: "change_cipher_spec"
        case .alert: "alert"
        case .encryptedAlert: "encrypted_alert"
        case .encryptedHandshake: "encrypted_handshake"
        case .encryptedRecord: "encrypted_record"
        case .encryptedAlertSizedRecord: "encrypted_alert_sized_record"
        case .applicationData: "application_data"
        case .sslv2Encrypted: "sslv2_encrypted"
        case .clientMasterKey: "client_master_key"
        case .sslv2Message: "sslv2_message_\(value)"
        case .record: "record_\(value)"
        }
    }

    /// The name.
    public var description: String { name }
}
