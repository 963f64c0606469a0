/// The TCP header (RFC 9293, section 3.1).
///
/// ```
/// |          Source Port          |       Destination Port        |
/// |                        Sequence Number                        |
/// |                    Acknowledgment Number                      |
/// |  Data |       |C|E|U|A|P|R|S|F|                               |
/// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
/// |           Checksum            |         Urgent Pointer        |
/// |                           [Options]                           |
/// ```
enum TCPLayer {
    /// The fixed part of the header.
    static let minimumHeaderLength = 20

    /// Reads the TCP header at `reader` and returns the segment.
    ///
    /// A header that runs past the captured bytes is `truncated`; one that runs past
    /// the IP length is `badLength`. A payload cut short by the snap length is fine:
    /// `payloadLength` is what was captured, `payloadLengthOnWire` what was sent.
    @inline(__always)
    static func decode(
        _ bytes: Span<UInt8>, _ reader: inout PacketReader, network: NetworkHeader, vlan: VLANTags
    ) throws(PacketError) -> TCPSegment {
        let lengthOnWire = network.transportLengthOnWire
        guard lengthOnWire >= minimumHeaderLength else { throw reader.error(.badLength, "tcp") }
        try reader.require(minimumHeaderLength, "tcp")
        // The fixed fields in two big-endian words (two checked reads instead of seven):
        // ports and sequence number; acknowledgment, data offset, flags and window.
        let first = try reader.uint64(bytes, at: 0, "tcp")
        let second = try reader.uint64(bytes, at: 8, "tcp")
        let sourcePort = UInt16(truncatingIfNeeded: first >> 48)
        let destinationPort = UInt16(truncatingIfNeeded: first >> 32)
        let sequence = UInt32(truncatingIfNeeded: first)
        let acknowledgment = UInt32(truncatingIfNeeded: second >> 32)
        let headerLength = Int(truncatingIfNeeded: second >> 28 & 0xf) * 4  // at most 60
        let flags = TCPFlags(rawValue: UInt8(truncatingIfNeeded: second >> 16))
        let window = UInt16(truncatingIfNeeded: second)
        guard headerLength >= minimumHeaderLength else { throw reader.error(.badHeader, "tcp", at: 12) }
        guard headerLength <= lengthOnWire else { throw reader.error(.badLength, "tcp", at: 12) }
        try reader.skip(headerLength, "tcp")  // options cut by the snap length: truncated

        // The window ends at min(captured, IP length), so what is left is at most what
        // the IP header declared.
        let payloadLength = reader.remaining
        return TCPSegment(
            source: network.source, destination: network.destination,
            sourcePort: sourcePort, destinationPort: destinationPort,
            sequence: sequence, acknowledgment: acknowledgment, flags: flags, window: window,
            ttl: network.ttl, ipID: network.ipID, vlan: vlan,
            payloadOffset: reader.position,
            payloadLength: payloadLength,
            payloadLengthOnWire: lengthOnWire - headerLength
        )
    }
}
