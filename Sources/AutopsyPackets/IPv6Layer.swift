/// The IPv6 header (RFC 8200, section 3) and its extension-header chain (section 4).
///
/// ```
/// |Version| Traffic Class |           Flow Label                  |
/// |         Payload Length        |  Next Header  |   Hop Limit   |
/// |                    Source Address (128 bits)                  |
/// |                 Destination Address (128 bits)                |
/// ```
enum IPv6Layer {
    /// The fixed header.
    static let headerLength = 40
    /// The most extension headers walked before giving up (`unsupported`).
    static let maximumExtensionHeaders = 8

    /// Reads the header and the extension headers at `reader`, lowers the reader's end
    /// to the payload's end and leaves it at the upper-layer header.
    ///
    /// A payload length of 0 (a jumbogram, or segmentation offload seen on the sending
    /// host) is read as "unknown" and the captured bytes are used.
    @inline(__always)
    static func decode(_ bytes: Span<UInt8>, _ reader: inout PacketReader) throws(PacketError) -> IPLayerResult {
        try reader.require(headerLength, "ipv6")
        // Version, traffic class, flow label, payload length, next header and hop limit in
        // one big-endian read.
        let first = try reader.uint64(bytes, at: 0, "ipv6")
        guard first >> 60 == 6 else { throw reader.error(.badHeader, "ipv6") }
        let payloadLength = Int(truncatingIfNeeded: first >> 16 & 0xffff)
        var nextHeader = UInt8(truncatingIfNeeded: first >> 8)
        let hopLimit = UInt8(truncatingIfNeeded: first)
        let source = IPAddress(
            ipv6High: try reader.uint64(bytes, at: 8, "ipv6"), low: try reader.uint64(bytes, at: 16, "ipv6"))
        let destination = IPAddress(
            ipv6High: try reader.uint64(bytes, at: 24, "ipv6"), low: try reader.uint64(bytes, at: 32, "ipv6"))
        try reader.skip(headerLength, "ipv6")

        // Bytes of the payload left on the wire; the reader's window holds at most these.
        var wireRemaining = payloadLength == 0 ? reader.remaining : payloadLength
        reader.limit(toRemaining: wireRemaining)

        var extensionHeaders = 0
        while true {
            switch nextHeader {
            case 6:
                return .tcp(
                    NetworkHeader(
                        source: source, destination: destination, ttl: hopLimit, ipID: nil,
                        transportLengthOnWire: wireRemaining))
            case 0, 43, 60, 135, 139, 140, 44, 51:
                extensionHeaders += 1
                guard extensionHeaders <= maximumExtensionHeaders else {
                    throw reader.error(.unsupported, "ipv6.ext")
                }
            default:
                // ESP (50), no next header (59), UDP, ICMPv6, ...
                return .notTCP
            }

            // An extension header: at least its next-header and length bytes.
            try requireExtension(2, wireRemaining, &reader)
            let following = try reader.uint8(bytes, at: 0, "ipv6.ext")
            let length: Int
            switch nextHeader {
            case 44:
                // Fragment header (RFC 8200, 4.5): 8 bytes, offset in the top 13 bits of
                // bytes 2-3, M in the lowest bit. An atomic fragment (offset 0, M 0) is a
                // whole packet.
                try requireExtension(8, wireRemaining, &reader)
                let offsetAndFlags = try reader.uint16(bytes, at: 2, "ipv6.ext")
                if offsetAndFlags & 0xfff9 != 0 {
                    return following == 6 || isExtensionHeader(following) ? .fragment : .notTCP
                }
                length = 8
            case 51:
                // Authentication header (RFC 4302, 2.2): length in 4-byte words, minus 2.
                length = (Int(try reader.uint8(bytes, at: 1, "ipv6.ext")) + 2) * 4
            default:
                // Hop-by-hop, routing, destination options, mobility, HIP, shim6:
                // length in 8-byte units, not counting the first 8 bytes.
                length = (Int(try reader.uint8(bytes, at: 1, "ipv6.ext")) + 1) * 8
            }
            try requireExtension(length, wireRemaining, &reader)
            try reader.skip(length, "ipv6.ext")
            wireRemaining -= length  // length <= wireRemaining, checked above
            nextHeader = following
        }
    }

    /// Throws `badLength` when an extension header of `count` bytes runs past the
    /// payload length, `truncated` when it runs past the captured bytes.
    static func requireExtension(_ count: Int, _ wireRemaining: Int, _ reader: inout PacketReader) throws(PacketError) {
        guard count <= wireRemaining else { throw reader.error(.badLength, "ipv6.ext") }
        try reader.require(count, "ipv6.ext")
    }

    /// Whether `value` is one of the extension headers this decoder walks.
    static func isExtensionHeader(_ value: UInt8) -> Bool {
        switch value {
        case 0, 43, 44, 51, 60, 135, 139, 140: return true
        default: return false
        }
    }
}
