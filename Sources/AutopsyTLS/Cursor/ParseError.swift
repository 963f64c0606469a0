/// Why bytes from the wire could not be read, and where.
///
/// A `ParseError` is a small value (no strings are built when it is thrown), so the
/// error path stays cheap on hostile traffic. It never reaches the user raw: the flow
/// layer turns it into a `malformed` counter and an evidence line.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The structure needed more bytes than there were.
        case truncated(needed: Int, available: Int)
        /// A length field is outside what the specification allows.
        case lengthOutOfRange(length: Int, allowed: ClosedRange<Int>)
        /// A fixed structure ended before its enclosing length said it would.
        case trailingBytes(count: Int)
        /// A field holds a value the specification forbids.
        case invalidValue(UInt64)
    }

    /// What went wrong.
    public var kind: Kind
    /// The field being read, named as in the RFC (`cipher_suites`, `extension.key_share`).
    public var field: StaticString
    /// The offset of the failed read from the start of the cursor's storage.
    public var offset: Int

    /// Creates an error.
    public init(kind: Kind, field: StaticString, offset: Int) {
        self.kind = kind
        self.field = field
        self.offset = offset
    }

    /// Two errors are equal when kind, field and offset are.
    public static func == (lhs: ParseError, rhs: ParseError) -> Bool {
        lhs.kind == rhs.kind && lhs.offset == rhs.offset && "\(lhs.field)" == "\(rhs.field)"
    }

    /// A sentence for evidence lines: "cut short in cipher_suites (needed 2 bytes, 1 left)".
    public var description: String {
        switch kind {
        case .truncated(let needed, let available):
            let bytes = needed == 1 ? "1 byte" : "\(needed) bytes"
            return "cut short in \(field) at offset \(offset) (needed \(bytes), \(available) left)"
        case .lengthOutOfRange(let length, let allowed):
            return "\(field) length \(length) at offset \(offset) outside \(allowed.lowerBound)...\(allowed.upperBound)"
        case .trailingBytes(let count):
            let bytes = count == 1 ? "1 unexpected byte" : "\(count) unexpected bytes"
            return "\(bytes) after \(field) at offset \(offset)"
        case .invalidValue(let value):
            return "invalid value \(value) in \(field) at offset \(offset)"
        }
    }
}
