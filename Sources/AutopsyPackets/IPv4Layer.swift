/// The IPv4 header (RFC 791, section 3.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// |Version|  IHL  |Type of Service|          Total Length         |
/// |         Identification        |Flags|      Fragment Offset    |
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// |                       Source Address                          |
/// |                    Destination Address                        |
/// |                    Options                    |    Padding    |
/// ```
enum IPv4Layer {
    /// The fixed part of the header.
    static let minimumHeaderLength = 20

    /// Reads the header at `reader`, lowers the reader's end to the datagram's end
    /// (Ethernet padding is not payload) and leaves it at the upper-layer header.
    ///
    /// A total length of 0 is read as "unknown" and the captured bytes are used: this is
    /// what a capture on the sending host shows for TCP segmentation offload.
    static func decode(_ bytes: Span<UInt8>, _ reader: inout PacketReader) throws(PacketError) -> IPLayerResult {
        try reader.require(minimumHeaderLength, "ipv4")
        let versionAndIHL = try reader.uint8(bytes, at: 0, "ipv4")
        guard versionAndIHL >> 4 == 4 else { throw reader.error(.badHeader, "ipv4") }
        let headerLength = Int(versionAndIHL & 0x0f) * 4  // at most 60
        guard headerLength >= minimumHeaderLength else { throw reader.error(.badHeader, "ipv4") }
        let totalLength = Int(try reader.uint16(bytes, at: 2, "ipv4"))
        let identification = try reader.uint16(bytes, at: 4, "ipv4")
        let flagsAndOffset = try reader.uint16(bytes, at: 6, "ipv4")
        let ttl = try reader.uint8(bytes, at: 8, "ipv4")
        let upperProtocol = try reader.uint8(bytes, at: 9, "ipv4")
        let source = try reader.uint32(bytes, at: 12, "ipv4")
        let destination = try reader.uint32(bytes, at: 16, "ipv4")

        let lengthOnWire = totalLength == 0 ? reader.remaining : totalLength
        guard lengthOnWire >= headerLength else { throw reader.error(.badLength, "ipv4", at: 2) }
        try reader.require(headerLength, "ipv4")  // options cut by the snap length
        reader.limit(toRemaining: lengthOnWire)
        try reader.skip(headerLength, "ipv4")

        guard upperProtocol == 6 else { return .notTCP }
        // MF (0x2000) set or a non-zero fragment offset (low 13 bits).
        guard flagsAndOffset & 0x3fff == 0 else { return .fragment }
        return .tcp(
            NetworkHeader(
                source: IPAddress(ipv4: source),
                destination: IPAddress(ipv4: destination),
                ttl: ttl,
                ipID: identification,
                transportLengthOnWire: lengthOnWire - headerLength
            ))
    }
}
