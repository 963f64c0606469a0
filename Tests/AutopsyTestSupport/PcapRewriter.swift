import Foundation

/// Rewrites a classic pcap file in tests (little-endian, as tcpdump writes them here):
/// e.g. cuts every packet to a snap length, as `tcpdump -s 96` would have.
public enum PcapRewriter {
    /// The file with each record's captured bytes cut to `snaplen` (original lengths kept).
    public static func cut(_ file: Data, snaplen: Int) -> Data? {
        let bytes = [UInt8](file)
        guard bytes.count >= 24, bytes[0] == 0xd4 || bytes[0] == 0x4d, bytes[3] == 0xa1 else { return nil }
        var output = Array(bytes[0..<24])
        // The global header's snaplen field (offset 16, little-endian).
        for index in 0..<4 { output[16 + index] = UInt8(truncatingIfNeeded: snaplen >> (8 * index)) }
        var offset = 24
        while offset + 16 <= bytes.count {
            let captured =
                Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16
                | Int(bytes[offset + 11]) << 24
            guard offset + 16 + captured <= bytes.count else { return nil }
            let kept = min(captured, snaplen)
            var header = Array(bytes[offset..<(offset + 16)])
            for index in 0..<4 { header[8 + index] = UInt8(truncatingIfNeeded: kept >> (8 * index)) }
            output += header
            output += bytes[(offset + 16)..<(offset + 16 + kept)]
            offset += 16 + captured
        }
        return Data(output)
    }
}
