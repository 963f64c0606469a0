import AutopsyPackets
import CLibpcap

/// The mapping between libpcap's DLT_ values (what `pcap_datalink` returns) and the
/// LINKTYPE_ values `LinkType` holds, and libpcap's names for both.
enum LinkTypeNames {
    /// The `LinkType` for a DLT_ value. DLT_RAW is 12 on most systems and 14 on some
    /// BSDs; LINKTYPE_RAW (101) is accepted too. Other values pass through unchanged
    /// (for the types libpcap does not renumber, DLT_ and LINKTYPE_ agree).
    static func linkType(dataLink value: Int32) -> LinkType {
        switch value {
        case DLT_NULL: return .null
        case DLT_EN10MB: return .ethernet
        case DLT_RAW, 12, 14, 101: return .raw
        case DLT_LOOP: return .loop
        case DLT_LINUX_SLL: return .linuxSLL
        case DLT_LINUX_SLL2: return .linuxSLL2
        case DLT_IPV4: return .ipv4
        case DLT_IPV6: return .ipv6
        default: return LinkType(rawValue: value)
        }
    }

    /// libpcap's short name for a DLT_ value (`EN10MB`, `PPP`), or `DLT <n>`.
    static func name(dataLink value: Int32) -> String {
        guard let name = pcap_datalink_val_to_name(value) else { return "DLT \(value)" }
        return String(cString: name)
    }

    /// libpcap's description of a DLT_ value (`Ethernet`, `PPP`), or empty.
    static func detail(dataLink value: Int32) -> String {
        guard let text = pcap_datalink_val_to_description(value) else { return "" }
        return String(cString: text)
    }

    /// The supported link types, by name, for messages.
    static var supportedList: String {
        LinkType.supported.map(\.description).joined(separator: ", ")
    }
}
