/// IP addresses as text and back, for iPAddress subjectAltName entries and server addresses.
enum IPAddressText {
    /// IPv4 as dotted quad, IPv6 in RFC 5952 form; any other length as `#` and hex.
    static func format<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let octets = Array(bytes)
        switch octets.count {
        case 4:
            return octets.map { String($0) }.joined(separator: ".")
        case 16:
            let groups = stride(from: 0, to: 16, by: 2).map { UInt16(octets[$0]) << 8 | UInt16(octets[$0 + 1]) }
            return formatIPv6(groups)
        default:
            return "#" + lowercaseHex(octets)
        }
    }

    /// RFC 5952: lowercase, no leading zeros, the longest run of two or more zero groups (the
    /// first of equal runs) as `::`.
    private static func formatIPv6(_ groups: [UInt16]) -> String {
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < groups.count {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < groups.count && groups[end] == 0 { end += 1 }
            if end - index > bestLength && end - index >= 2 {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        let text = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return text.joined(separator: ":") }
        let head = text[..<bestStart].joined(separator: ":")
        let tail = text[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// The bytes of an IPv4 or IPv6 literal (brackets and a zone allowed), or nil when the text
    /// is not one.
    static func parse(_ text: String) -> [UInt8]? {
        // A host name is not an address: any byte no address literal can hold (before a zone)
        // rules it out without the character-by-character parse below.
        for byte in text.utf8 {
            if byte == UInt8(ascii: "%") { break }
            guard Self.literalBytes.contains(byte) else { return nil }
        }
        var literal = Substring(text)
        if literal.hasPrefix("[") && literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        if let percent = literal.firstIndex(of: "%") { literal = literal[..<percent] }
        if literal.contains(":") { return parseIPv6(literal) }
        return parseIPv4(literal)
    }

    /// The bytes an address literal may hold before its zone: hex digits, separators,
    /// brackets, and the signs the integer parser accepts.
    private static let literalBytes: Set<UInt8> = Set(Array("0123456789abcdefABCDEF.:[]+-".utf8))

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        let halves = text.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (offset, piece) in pieces.enumerated() {
                if allowIPv4Tail && offset == pieces.count - 1 && piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    bytes += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        if halves.count == 1 {
            guard let bytes = groups(halves[0], allowIPv4Tail: true), bytes.count == 16 else { return nil }
            return bytes
        }
        guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

extension Substring {
    /// The parts around each `::`.
    fileprivate func components(separatedByDoubleColon _: Void) -> [Substring] {
        var parts: [Substring] = []
        var start = startIndex
        var index = startIndex
        while index < endIndex {
            let next = self.index(after: index)
            if self[index] == ":" && next < endIndex && self[next] == ":" {
                parts.append(self[start..<index])
                start = self.index(after: next)
                index = start
            } else {
                index = next
            }
        }
        parts.append(self[start...])
        return parts
    }
}
