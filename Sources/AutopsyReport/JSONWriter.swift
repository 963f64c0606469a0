/// A small writer of one JSON object per line with a fixed field order: the order of the
/// contract in `shared/spec/flow-record.md`, which `JSONEncoder` cannot keep.
public struct JSONWriter {
    /// The text written so far.
    public private(set) var text = ""
    private var needsComma: [Bool] = []

    /// An empty writer (room for a typical flow record reserved up front).
    public init() {
        text.reserveCapacity(8 * 1024)
    }

    /// Opens an object; `key` names it inside an enclosing object.
    public mutating func beginObject(_ key: String? = nil) {
        prefix(key)
        text.append("{")
        needsComma.append(false)
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        text.append("}")
        _ = needsComma.popLast()
    }

    /// Opens an array; `key` names it inside an enclosing object.
    public mutating func beginArray(_ key: String? = nil) {
        prefix(key)
        text.append("[")
        needsComma.append(false)
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        text.append("]")
        _ = needsComma.popLast()
    }

    /// Writes a string, or null.
    public mutating func string(_ key: String?, _ value: String?) {
        prefix(key)
        if let value { Self.appendQuoted(value, to: &text) } else { text.append("null") }
    }

    /// Writes an integer, or null.
    public mutating func int<T: BinaryInteger>(_ key: String?, _ value: T?) {
        prefix(key)
        if let value { text.append(String(value)) } else { text.append("null") }
    }

    /// Writes a number with a fixed count of decimals (deterministic output).
    public mutating func fixed(_ key: String?, _ value: Double, decimals: Int) {
        prefix(key)
        text.append(Self.formatFixed(value, decimals: decimals))
    }

    /// Writes a boolean, or null.
    public mutating func bool(_ key: String?, _ value: Bool?) {
        prefix(key)
        if let value { text.append(value ? "true" : "false") } else { text.append("null") }
    }

    /// Writes null.
    public mutating func null(_ key: String?) {
        prefix(key)
        text.append("null")
    }

    /// Writes an array of strings.
    public mutating func strings(_ key: String?, _ values: [String]?) {
        guard let values else { return null(key) }
        beginArray(key)
        for value in values { string(nil, value) }
        endArray()
    }

    /// Writes an array of integers.
    public mutating func ints(_ key: String?, _ values: [Int]) {
        beginArray(key)
        for value in values { int(nil, value) }
        endArray()
    }

    private mutating func prefix(_ key: String?) {
        if let last = needsComma.last {
            if last { text.append(",") }
            needsComma[needsComma.count - 1] = true
        }
        if let key {
            // Keys are this program's own field names: plain ASCII, never escaped.
            text.append("\"")
            text.append(key)
            text.append("\":")
        }
    }

    /// `value` rounded to `decimals` places, without exponent, e.g. 0.0123.
    static func formatFixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(Int64(value)) }
        let units = Int64(scaled)
        let whole = units / Int64(scale)
        var fraction = String(units % Int64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        let sign = value < 0 && units != 0 ? "-" : ""
        return decimals == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// Appends `value` as a JSON string literal (RFC 8259, 7).
    static func appendQuoted(_ value: String, to text: inout String) {
        text.append("\"")
        // Most strings (names, hex, addresses) need no escape: copy them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text.append(value)
            text.append("\"")
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text.append("\"")
    }
}
