/// Hex text to bytes: whitespace is ignored and `//` starts a comment running to the
/// end of the line, so a packet can be written one commented field per line.
func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var high: UInt8?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var code = Substring(line)
        if let comment = line.range(of: "//") { code = line[..<comment.lowerBound] }
        for character in code where !character.isWhitespace {
            guard let digit = character.hexDigitValue else { fatalError("not hex: \(character) in \(line)") }
            if let h = high {
                bytes.append(h << 4 | UInt8(digit))
                high = nil
            } else {
                high = UInt8(digit)
            }
        }
    }
    guard high == nil else { fatalError("odd number of hex digits in \(text)") }
    return bytes
}

/// Deterministic pseudo-random numbers (SplitMix64), so every run mutates the same way.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension StringProtocol {
    /// The range of the first occurrence of `needle` (no Foundation needed).
    func range(of needle: String) -> Range<Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) {
                return index..<(self.index(index, offsetBy: needle.count))
            }
            index = self.index(after: index)
        }
        return nil
    }
}
