import AutopsyFlow
import AutopsyPackets
import AutopsyTLS

/// A line of diagnosis text, written as an interpolated literal but built as bytes in room
/// reserved for the whole line: `let line: TextLine = "frame \(frame): the \(side) sent …"`,
/// then `line.text`.
///
/// `String`'s interpolation appends each part with `String.append`: about 430 instructions
/// a part on `hs200k` (its storage grew two or three times a line), 350 with room reserved.
/// Copying a part's bytes into an array reserved for the line costs about 150 (callgrind);
/// the lines are a large part of the 12,000 instructions a flow the diagnoses cost there.
struct TextLine: ExpressibleByStringInterpolation {
    /// The line.
    let text: String

    init(stringLiteral value: String) {
        text = value
    }

    init(stringInterpolation: Interpolation) {
        text = String(decoding: stringInterpolation.bytes, as: UTF8.self)
    }

    struct Interpolation: StringInterpolationProtocol {
        /// Room reserved per interpolated value: most are names, numbers and addresses.
        static let roomPerValue = 32
        var bytes: [UInt8] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            bytes.reserveCapacity(literalCapacity + interpolationCount * Self.roomPerValue)
        }

        mutating func appendLiteral(_ literal: String) {
            append(literal)
        }

        mutating func appendInterpolation(_ value: String) {
            append(value)
        }

        mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            append(value.description)
        }

        /// An integer's decimal digits, written into the line (as its `description` spells
        /// it) without a string of its own first: frames, ports and counts are in most lines.
        mutating func appendInterpolation<Value: BinaryInteger>(_ value: Value) {
            guard let number = Int64(exactly: value) else { return append(value.description) }
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            var rest = number.magnitude
            var digits = InlineArray<20, UInt8>(repeating: 0)
            var count = 0
            repeat {
                digits[count] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
                rest /= 10
                count += 1
            } while rest > 0 && count < 20
            while count > 0 {
                count -= 1
                bytes.append(digits[count])
            }
        }

        /// An address's text (`description`), copied from where `withText` writes it.
        mutating func appendInterpolation(_ address: IPAddress) {
            address.withText { bytes.append(contentsOf: $0) }
        }

        /// A capture or certificate time to the second (`TimeFormat.rfc3339Seconds`), written
        /// into the line.
        mutating func appendInterpolation(seconds time: Timestamp) {
            TimeFormat.appendRFC3339Seconds(time, to: &bytes)
        }

        /// "fatal alert handshake_failure (40)" (`AlertMeaning.name`).
        mutating func appendInterpolation(alert message: AlertMessage) {
            append(message.level.description)
            append(" alert ")
            append(message.description.description)
            append(" (")
            appendInterpolation(message.description.rawValue)
            append(")")
        }

        /// An endpoint as clients take it: "10.0.0.2:443", "[2001:db8::2]:443".
        mutating func appendInterpolation(address endpoint: Endpoint) {
            if endpoint.ip.isIPv6 { bytes.append(UInt8(ascii: "[")) }
            appendInterpolation(endpoint.ip)
            bytes.append(contentsOf: endpoint.ip.isIPv6 ? "]:".utf8 : ":".utf8)
            appendInterpolation(endpoint.port)
        }

        /// A string's UTF-8 bytes, read where they lie when they are contiguous (native and
        /// literal strings are), else through a copy.
        private mutating func append(_ value: String) {
            if value.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) != nil { return }
            bytes.append(contentsOf: value.utf8)
        }
    }
}

extension Array where Element == String {
    /// Appends a line written as an interpolated literal, built as a `TextLine` (a plain
    /// `append("… \(x) …")` would build it with `String`'s interpolation, part by part).
    mutating func append(line: TextLine) {
        append(line.text)
    }
}
