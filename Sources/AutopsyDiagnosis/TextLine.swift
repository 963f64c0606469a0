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

        /// A string's UTF-8 bytes, read where they lie when they are contiguous (native and
        /// literal strings are), else through a copy.
        private mutating func append(_ value: String) {
            if value.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) != nil { return }
            bytes.append(contentsOf: value.utf8)
        }
    }
}
