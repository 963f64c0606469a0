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
    @inline(__always)
    static func decode(_ bytes: Span<UInt8>, _ reader: inout PacketReader) throws(PacketError) -> IPLayerResult {
        try reader.require(minimumHeaderLength, "ipv4")
        // The fixed header in three big-endian reads (instead of eight): version, IHL,
        // total length, identification, flags and offset; TTL, protocol, checksum, source;
        // destination.
        let first = try reader.uint64(bytes, at: 0, "ipv4")
        let second = try reader.uint64(bytes, at: 8, "ipv4")
        let destination = try reader.uint32(bytes, at: 16, "ipv4")
        guard first >> 60 == 4 else { throw reader.error(.badHeader, "ipv4") }
        let headerLength = Int(truncatingIfNeeded: first >> 56 & 0x0f) * 4  // at most 60
        guard headerLength >= minimumHeaderLength else { throw reader.error(.badHeader, "ipv4") }
        let totalLength = Int(truncatingIfNeeded: first >> 32 & 0xffff)
        let identification = UInt16(truncatingIfNeeded: first >> 16)
        let flagsAndOffset = UInt16(truncatingIfNeeded: first)
        let ttl = UInt8(truncatingIfNeeded: second >> 56)
        let upperProtocol = UInt8(truncatingIfNeeded: second >> 48)
        let source = UInt32(truncatingIfNeeded: second)

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
