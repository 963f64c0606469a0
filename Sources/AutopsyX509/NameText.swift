import SwiftASN1
import X509

/// RFC 4514 text of distinguished names the way OpenSSL's `XN_FLAG_RFC2253` prints them, which is
/// what Zeek's x509.log and Wireshark show: the most specific RDN first (`CN=...,O=...,C=US`),
/// OpenSSL's short attribute names (`emailAddress`, `street`, `postalCode`), values of a
/// multi-valued RDN joined by `+`.
///
/// Differences from OpenSSL, on purpose: characters beyond ASCII stay UTF-8 (OpenSSL escapes each
/// byte as `\XX`), and TeletexString is read as Latin-1.
enum NameText {
    /// The text of a whole name; "" for an empty name.
    static func format(_ name: DistinguishedName) -> String {
        name.reversed().map { rdn in
            rdn.map { attribute in
                "\(attributeName(attribute.type))=\(valueText(attribute.value))"
            }.joined(separator: "+")
        }.joined(separator: ",")
    }

    /// The most specific (last encoded) common name, as Zeek picks it.
    static func commonName(_ name: DistinguishedName) -> String? {
        var found: String?
        for rdn in name {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                found = decodedString(attribute.value)
            }
        }
        return found
    }

    /// OpenSSL's short names (`OBJ_nid2sn`) for the attribute types seen in certificates; the
    /// dotted OID otherwise.
    static func attributeName(_ oid: ASN1ObjectIdentifier) -> String {
        shortNames[oid.description] ?? oid.description
    }

    private static let shortNames: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.4": "SN", "2.5.4.5": "serialNumber", "2.5.4.6": "C", "2.5.4.7": "L",
        "2.5.4.8": "ST", "2.5.4.9": "street", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.12": "title",
        "2.5.4.13": "description", "2.5.4.15": "businessCategory", "2.5.4.17": "postalCode",
        "2.5.4.41": "name", "2.5.4.42": "GN", "2.5.4.43": "initials", "2.5.4.44": "generationQualifier",
        "2.5.4.46": "dnQualifier", "2.5.4.65": "pseudonym", "2.5.4.97": "organizationIdentifier",
        "0.9.2342.19200300.100.1.1": "UID", "0.9.2342.19200300.100.1.25": "DC",
        "1.2.840.113549.1.9.1": "emailAddress", "1.2.840.113549.1.9.2": "unstructuredName",
        "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL", "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
    ]

    /// The escaped text of one value: a string type decoded, anything else `#` and the hex of its DER.
    static func valueText(_ value: RelativeDistinguishedName.Attribute.Value) -> String {
        if let string = decodedString(value) {
            return escape(string)
        }
        return "#" + lowercaseHex(derBytes(value) ?? [])
    }

    /// The value as text when it is one of the ASN.1 string types.
    static func decodedString(_ value: RelativeDistinguishedName.Attribute.Value) -> String? {
        if let string = String(value) {
            return string
        }
        guard let der = derBytes(value), let node = try? DER.parse(der), case .primitive(let bytes) = node.content
        else { return nil }
        switch node.identifier {
        case ASN1Identifier(tagWithNumber: 20, tagClass: .universal):  // TeletexString, read as Latin-1
            return String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
        case ASN1Identifier(tagWithNumber: 30, tagClass: .universal):  // BMPString, UTF-16BE
            guard bytes.count % 2 == 0 else { return nil }
            let units = stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map {
                UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1])
            }
            return String(decoding: units, as: UTF16.self)
        case ASN1Identifier(tagWithNumber: 28, tagClass: .universal):  // UniversalString, UTF-32BE
            guard bytes.count % 4 == 0 else { return nil }
            var text = ""
            for offset in stride(from: bytes.startIndex, to: bytes.endIndex, by: 4) {
                let scalar = bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                text.unicodeScalars.append(Unicode.Scalar(scalar) ?? "\u{FFFD}")
            }
            return text
        case ASN1Identifier(tagWithNumber: 18, tagClass: .universal),  // NumericString
            ASN1Identifier(tagWithNumber: 26, tagClass: .universal),  // VisibleString
            // PrintableString, IA5String and UTF8String that swift-asn1 refused (a NUL or a
            // character outside the type's set): the bytes as UTF-8; escape() shows controls as \XX.
            ASN1Identifier(tagWithNumber: 19, tagClass: .universal),
            ASN1Identifier(tagWithNumber: 22, tagClass: .universal),
            ASN1Identifier(tagWithNumber: 12, tagClass: .universal):
            return String(decoding: bytes, as: UTF8.self)
        default:
            return nil
        }
    }

    private static func derBytes(_ value: RelativeDistinguishedName.Attribute.Value) -> [UInt8]? {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(ASN1Any(value))) != nil else { return nil }
        return serializer.serializedBytes
    }

    /// RFC 4514 section 2.4 escaping, as OpenSSL's `ASN1_STRFLGS_ESC_2253 | ESC_CTRL` does it.
    static func escape(_ value: String) -> String {
        let scalars = Array(value.unicodeScalars)
        var text = ""
        for (offset, scalar) in scalars.enumerated() {
            switch scalar {
            case ",", "+", "\"", "\\", "<", ">", ";":
                text += "\\" + String(scalar)
            case "#" where offset == 0, " " where offset == 0 || offset == scalars.count - 1:
                text += "\\" + String(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                text += "\\" + (hex.count < 2 ? "0" + hex : hex)
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    /// The attribute values of an RFC 4514 string, unescaped, as (type, value) pairs in text order.
    static func attributes(of text: String) -> [(type: String, value: String)] {
        var pairs: [(type: String, value: String)] = []
        var current = ""
        var escaped = false
        func finish() {
            if let equals = current.firstIndex(of: "=") {
                let type = current[..<equals].trimmingSpaces()
                let value = current[current.index(after: equals)...].trimmingSpaces()
                pairs.append((String(type), String(value)))
            }
            current = ""
        }
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," || character == "+" {
                finish()
            } else {
                current.append(character)
            }
        }
        finish()
        return pairs
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var trimmed = self
        while trimmed.first == " " { trimmed.removeFirst() }
        while trimmed.last == " " { trimmed.removeLast() }
        return trimmed
    }
}
