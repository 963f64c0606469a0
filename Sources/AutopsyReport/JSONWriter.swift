import AutopsyFlow
import AutopsyPackets

/// A small writer of one JSON object per line with a fixed field order: the order of the
/// contract in `shared/spec/flow-record.md`, which `JSONEncoder` cannot keep.
///
/// It writes UTF-8 bytes straight into one growing buffer: strings that need no escape are
/// copied whole, numbers and capture times are written digit by digit, and nothing is
/// allocated per field. One writer can be reused for line after line (`removeAll`).
///
/// Parts rendered ahead can also be shared instead of copied (`shareMembers`,
/// `shareObject`): the output is then a list of pieces (`takePieces`), those parts among
/// them as the very arrays given.
public struct JSONWriter {
    /// The bytes written since the last shared piece (UTF-8): all of them when nothing was
    /// shared.
    public private(set) var bytes: [UInt8] = []
    /// The pieces before `bytes`, when parts were shared.
    private var pieces: [[UInt8]] = []
    private static let comma: [UInt8] = [UInt8(ascii: ",")]
    /// Whether each open object or array already holds a member (bit `depth - 1`); past 64
    /// levels (never reached by this program's output) commas are still written correctly
    /// from the overflow stack.
    private var members: UInt64 = 0
    private var depth = 0
    private var deeper: [Bool] = []
    /// The second `cachedSecondText` spells, up to and with the dot before the fraction.
    private var cachedSecond = Int64.min
    private var cachedSecondText: [UInt8] = []

    /// An empty writer (room for a typical flow record reserved up front).
    public init() {
        bytes.reserveCapacity(8 * 1024)
    }

    /// The text written so far.
    public var text: String { String(decoding: pieces.joined() + bytes, as: UTF8.self) }

    /// The bytes written since the last shared piece in an array of their own size (the
    /// writer's buffer is larger, and is reused by `removeAll`).
    public func exactCopy() -> [UInt8] {
        bytes.withUnsafeBufferPointer { Array($0) }
    }

    /// Forgets what was written, keeping the buffer's capacity.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        pieces.removeAll()
        members = 0
        depth = 0
        deeper.removeAll(keepingCapacity: true)
    }

    /// Appends raw bytes that are already JSON (a newline between lines, say).
    public mutating func raw(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends members rendered ahead (`"a":1,"b":2`, no braces, in pieces) to the open object.
    public mutating func members(_ rendered: [[UInt8]]) {
        guard rendered.contains(where: { !$0.isEmpty }) else { return }
        prefix(nil)
        for piece in rendered { bytes.append(contentsOf: piece) }
    }

    /// Appends a whole value rendered ahead (an object's bytes, braces included, in pieces).
    public mutating func object(_ rendered: [[UInt8]]) {
        prefix(nil)
        for piece in rendered { bytes.append(contentsOf: piece) }
    }

    /// Like `members`, the pieces shared rather than copied.
    public mutating func shareMembers(_ rendered: [[UInt8]]) {
        guard rendered.contains(where: { !$0.isEmpty }) else { return }
        prefix(nil)
        for piece in rendered where !piece.isEmpty { share(piece) }
    }

    /// Like `object`, the value shared rather than copied.
    public mutating func shareObject(_ rendered: [UInt8]) {
        prefix(nil)
        share(rendered)
    }

    /// Everything written, as pieces (the shared ones as given, the rest in arrays of their
    /// own size); the writer is left empty.
    public mutating func takePieces() -> [[UInt8]] {
        cut()
        let taken = pieces
        removeAll()
        return taken
    }

    private mutating func share(_ piece: [UInt8]) {
        cut()
        pieces.append(piece)
    }

    /// Moves the bytes written since the last piece into a piece of their own.
    private mutating func cut() {
        guard !bytes.isEmpty else { return }
        // The comma between two shared values is common: one array serves them all.
        pieces.append(bytes == Self.comma ? Self.comma : exactCopy())
        bytes.removeAll(keepingCapacity: true)
    }

    /// Opens an object; `key` names it inside an enclosing object.
    public mutating func beginObject(_ key: StaticString? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "{"))
        push()
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        pop()
    }

    /// Opens an array; `key` names it inside an enclosing object.
    public mutating func beginArray(_ key: StaticString? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "["))
        push()
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        pop()
    }

    /// Writes a string, or null.
    public mutating func string(_ key: StaticString?, _ value: String?) {
        prefix(key)
        if let value { Self.appendQuoted(value, to: &bytes) } else { appendLiteral("null") }
    }

    /// Writes an integer, or null.
    public mutating func int<T: BinaryInteger>(_ key: StaticString?, _ value: T?) {
        prefix(key)
        guard let value else { return appendLiteral("null") }
        if let small = Int64(exactly: value) {
            Self.appendDecimal(small, to: &bytes)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// Writes a number with a fixed count of decimals (deterministic output).
    public mutating func fixed(_ key: StaticString?, _ value: Double, decimals: Int) {
        prefix(key)
        bytes.append(contentsOf: Self.formatFixed(value, decimals: decimals).utf8)
    }

    /// Writes a boolean, or null.
    public mutating func bool(_ key: StaticString?, _ value: Bool?) {
        prefix(key)
        guard let value else { return appendLiteral("null") }
        appendLiteral(value ? "true" : "false")
    }

    /// Writes null.
    public mutating func null(_ key: StaticString?) {
        prefix(key)
        appendLiteral("null")
    }

    /// Starts an element of the open array (or a member of the open object) with text that
    /// is JSON as it stands, such as `{"frame":`; the `raw…` writers continue it. The caller
    /// closes what it opens within the element.
    public mutating func element(_ literal: StaticString) {
        prefix(nil)
        raw(literal)
    }

    /// Appends text that is JSON as it stands, inside an element begun with `element`.
    public mutating func raw(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends an integer, inside an element begun with `element`.
    public mutating func rawInt<T: BinaryInteger>(_ value: T) {
        if let small = Int64(exactly: value) {
            Self.appendDecimal(small, to: &bytes)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// Appends a string literal, inside an element begun with `element`.
    public mutating func rawString(_ value: String) {
        Self.appendQuoted(value, to: &bytes)
    }

    /// Appends a capture time as a string, inside an element begun with `element`.
    public mutating func rawTime(_ value: Timestamp) {
        appendTime(value)
    }

    /// Writes a capture time as RFC 3339 in UTC with microseconds, or null.
    public mutating func time(_ key: StaticString?, _ value: Timestamp?) {
        prefix(key)
        guard let value else { return appendLiteral("null") }
        appendTime(value)
    }

    private mutating func appendTime(_ value: Timestamp) {
        bytes.append(UInt8(ascii: "\""))
        // Times come in runs within one second: its text up to the fraction is kept.
        if value.seconds != cachedSecond || cachedSecondText.isEmpty {
            cachedSecondText.removeAll(keepingCapacity: true)
            TimeFormat.appendRFC3339(Timestamp(seconds: value.seconds, nanoseconds: 0), to: &cachedSecondText)
            // "…SS.000000Z": keep through the dot.
            cachedSecondText.removeLast(min(cachedSecondText.count, 7))
            cachedSecond = value.seconds
        }
        bytes.append(contentsOf: cachedSecondText)
        TimeFormat.appendDigits(Int(value.nanoseconds / 1000), 6, &bytes)
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes an address as text (a dotted quad written digit by digit; IPv6 as RFC 5952 text).
    public mutating func address(_ key: StaticString?, _ value: IPAddress) {
        guard let v4 = value.ipv4 else { return string(key, value.description) }
        prefix(key)
        bytes.append(UInt8(ascii: "\""))
        Self.appendDecimal(Int64(v4 >> 24), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        Self.appendDecimal(Int64((v4 >> 16) & 0xff), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        Self.appendDecimal(Int64((v4 >> 8) & 0xff), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        Self.appendDecimal(Int64(v4 & 0xff), to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes an array of strings.
    public mutating func strings(_ key: StaticString?, _ values: [String]?) {
        guard let values else { return null(key) }
        beginArray(key)
        for value in values { string(nil, value) }
        endArray()
    }

    /// Writes an array of the names of `values` (no intermediate array of names).
    public mutating func names<S: Sequence>(_ key: StaticString?, _ values: S, _ name: (S.Element) -> String) {
        beginArray(key)
        for value in values { string(nil, name(value)) }
        endArray()
    }

    /// Writes an array of integers.
    public mutating func ints(_ key: StaticString?, _ values: [Int]) {
        beginArray(key)
        for value in values { int(nil, value) }
        endArray()
    }

    private mutating func push() {
        if depth < 64 {
            members &= ~(1 << UInt64(depth))
        } else {
            deeper.append(false)
        }
        depth += 1
    }

    private mutating func pop() {
        guard depth > 0 else { return }
        depth -= 1
        if depth >= 64 { _ = deeper.popLast() }
    }

    private mutating func prefix(_ key: StaticString?) {
        if depth > 0 {
            let level = depth - 1
            if level < 64 {
                let bit: UInt64 = 1 << UInt64(level)
                if members & bit != 0 { bytes.append(UInt8(ascii: ",")) }
                members |= bit
            } else if let last = deeper.last {
                if last { bytes.append(UInt8(ascii: ",")) }
                deeper[deeper.count - 1] = true
            }
        }
        if let key {
            // Keys are this program's own field names: plain ASCII literals, never escaped,
            // copied straight from the literal.
            bytes.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }
    }

    /// Writes an integer under a key known only at run time (the summary's counts by name).
    public mutating func int(named key: String, _ value: Int?) {
        prefix(nil)
        Self.appendQuoted(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        guard let value else { return appendLiteral("null") }
        Self.appendDecimal(Int64(value), to: &bytes)
    }

    private mutating func appendLiteral(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends a decimal integer.
    static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, written backwards
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[24 - count] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
                magnitude /= 10
            } while magnitude > 0 && count < 24
            bytes.append(contentsOf: buffer[(24 - count)...])
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
    static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Most strings (names, hex, addresses) need no escape: copy them whole.
            var clean = true
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                clean = false
                break
            }
            if clean {
                bytes.append(contentsOf: utf8)
            } else {
                appendEscaped(utf8, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0xF)])
            default:
                // Other bytes, multi-byte UTF-8 sequences included, are copied as they are.
                bytes.append(byte)
            }
        }
    }
}
