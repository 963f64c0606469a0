/// The body of the libFuzzer target for packet decoding (`Tests/Fuzz`), also replayed by
/// the test suite over `Fixtures/fuzz-seeds/packet/`.
public enum PacketFuzzTargets {
    /// Decodes the bytes after the first as one captured frame of the link type the first
    /// byte picks among the supported ones. Returns what the decoder said and the invariants
    /// it broke (none, whatever the bytes).
    public static func decode(_ data: [UInt8]) -> (outcome: DecodeOutcome?, violations: [String]) {
        guard let selector = data.first else { return (nil, []) }
        let linkType = LinkType.supported[Int(selector) % LinkType.supported.count]
        let frame = Array(data.dropFirst())
        let outcome = PacketDecoder.decode(frame.span, linkType: linkType)
        var violations: [String] = []
        if case .tcp(let segment) = outcome {
            if segment.payloadOffset < 0 || segment.payloadLength < 0
                || segment.payloadOffset > frame.count - segment.payloadLength
            {
                violations.append(
                    "payload \(segment.payloadOffset)+\(segment.payloadLength) outside a \(frame.count)-byte frame")
            }
            if segment.payloadLength > segment.payloadLengthOnWire {
                violations.append("captured payload \(segment.payloadLength) longer than on the wire")
            }
        }
        return (outcome, violations)
    }
}
