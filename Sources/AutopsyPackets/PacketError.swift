/// Why a packet's link, IP or TCP header could not be decoded, and where.
///
/// A small value (no allocation to build one: the layer name is a `StaticString`), so the
/// decode path stays cheap on hostile traffic. It becomes a `malformed` counter and an
/// evidence line, never a crash.
public struct PacketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the header.
    public enum Kind: Sendable, Equatable {
        /// The captured bytes end inside the header (a short or snap-length-cut packet).
        case truncated
        /// A field holds a value no valid header has: wrong IP version, IHL below 5,
        /// TCP data offset below 5.
        case badHeader
        /// A length field contradicts the header it sits in: an IPv4 total length
        /// shorter than the header, an extension header or a TCP header that runs past
        /// the IP payload length.
        case badLength
        /// A valid encoding this decoder does not follow: an unknown link type, more
        /// IPv6 extension headers than it walks.
        case unsupported
    }

    /// What was wrong.
    public var kind: Kind
    /// The protocol layer: `"ethernet"`, `"vlan"`, `"sll"`, `"sll2"`, `"null"`, `"loop"`,
    /// `"ip"`, `"ipv4"`, `"ipv6"`, `"ipv6.ext"`, `"tcp"` or `"link"`.
    public var layer: StaticString
    /// Offset of the offending header or field from the start of the packet bytes.
    public var offset: Int

    /// Creates an error.
    public init(kind: Kind, layer: StaticString, offset: Int) {
        self.kind = kind
        self.layer = layer
        self.offset = offset
    }

    /// Equal when kind, layer text and offset are equal.
    public static func == (lhs: PacketError, rhs: PacketError) -> Bool {
        guard lhs.kind == rhs.kind, lhs.offset == rhs.offset else { return false }
        return lhs.layer.withUTF8Buffer { left in
            rhs.layer.withUTF8Buffer { right in left.elementsEqual(right) }
        }
    }

    /// One line, e.g. `tcp header cut short at byte 34`.
    public var description: String {
        switch kind {
        case .truncated: return "\(layer) header cut short at byte \(offset)"
        case .badHeader: return "invalid \(layer) header field at byte \(offset)"
        case .badLength: return "\(layer) length out of range at byte \(offset)"
        case .unsupported: return "unsupported \(layer) encoding at byte \(offset)"
        }
    }
}
