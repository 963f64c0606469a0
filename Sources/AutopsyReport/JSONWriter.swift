import AutopsyFlow
import AutopsyPackets

/// A small writer of one JSON object per line with a fixed field order: the order of the
/// contract in `shared/spec/flow-record.md`, which `JSONEncoder` cannot keep.
///
/// It writes UTF-8 bytes straight into one growing buffer: strings that need no escape are
/// copied whole, numbers and capture times are written digit by digit, parts rendered
/// ahead (`members`, `object`) are copied in one run, and nothing is allocated per field.
/// One writer can be reused for line after line (`removeAll`).
public struct JSONWriter: ~Copyable {
    /// The bytes written (UTF-8). One allocation, grown by doubling; every write reserves
    /// its room first (`reserve`), then stores without a further check. Noncopyable, so
    /// that no two writers ever share it.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    /// Whether each open object or array already holds a member (bit `depth - 1`); past 64
    /// levels (never reached by this program's output) commas are still written correctly
    /// from the overflow stack.
    private var members: UInt64 = 0
    private var depth = 0
    private var deeper: [Bool] = []
    /// When set, runs rendered ahead and shared between lines (`members` and `object` of an
    /// array, the shared runs of `JSONRuns` spliced in) are noted in
    /// `sharedRuns` at the place they belong, not copied; `runs` gives the text with them.
    public var notesSharedRuns = false
    /// The shared runs noted, by offset into the bytes written.
    private var sharedRuns: [JSONRuns.Shared] = []
    /// The last time written, as `timeText` spells it: its `timeTextCount` bytes are the
    /// quoted text, the first `secondTextCount` of them the quote and the second up to and
    /// with the dot before the fraction (at most 30 for any `Int64` second, a year of 12
    /// digits and its sign), then six digits, `Z` and the closing quote. A flow's messages
    /// share a few times (a flight's records come in one frame), and one second's times share
    /// the second. Kept in memory of the writer's own: copied from an array member, it was
    /// retained and released per time.
    private var cachedTime = Timestamp(seconds: Int64.min, nanoseconds: 0)
    private var timeText = UnsafeMutablePointer<UInt8>.allocate(capacity: timeTextCapacity)
    private var timeTextCount = 0
    private var secondTextCount = 0
    private static let timeTextCapacity = 48

    /// An empty writer (room for a typical flow record reserved up front), noting shared
    /// runs or not (`notesSharedRuns`).
    public init(notingSharedRuns: Bool = false) {
        capacity = 8 * 1024
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        notesSharedRuns = notingSharedRuns
    }

    deinit {
        base.deallocate()
        timeText.deallocate()
    }

    /// The bytes written, in an array of their own size (the writer's buffer is larger,
    /// and is reused by `removeAll`).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Calls `body` with the bytes written, without a copy.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The text written so far (shared runs noted are not in it: see `runs`).
    public var text: String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    /// The text written, with the shared runs noted (`notesSharedRuns`) in their places.
    public var runs: JSONRuns { JSONRuns(own: bytes, shared: sharedRuns) }

    /// Forgets what was written, keeping the buffer's capacity.
    public mutating func removeAll() {
        count = 0
        members = 0
        depth = 0
        deeper.removeAll(keepingCapacity: true)
        sharedRuns.removeAll(keepingCapacity: true)
    }

    // MARK: Storage

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if extra > capacity &- count { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        let grown = max(capacity * 2, needed)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = grown
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func put(_ source: UnsafeBufferPointer<UInt8>) {
        guard let start = source.baseAddress, source.count > 0 else { return }
        reserve(source.count)
        Self.copy(start, to: base + count, count: source.count)
        count += source.count
    }

    /// Copies `count` bytes. Keys, literals and names are mostly under 16 bytes: those are
    /// moved as two overlapping words (each inside both buffers), not by a call to memcpy.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        if count >= 8 && count <= 16 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 && count < 8 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else if count < 4 {
            for index in 0..<count { target[index] = source[index] }
        } else {
            target.update(from: source, count: count)
        }
    }

    private mutating func put(_ array: [UInt8]) {
        array.withUnsafeBufferPointer { put($0) }
    }

    /// Appends raw bytes that are already JSON (a newline between lines, say).
    public mutating func raw(_ byte: UInt8) {
        put(byte)
    }

    /// Appends members rendered ahead (`"a":1,"b":2`, no braces) to the open object. Such
    /// parts are kept by a cache and shared between lines: a writer that notes shared runs
    /// (`notesSharedRuns`) notes them in place instead of copying them.
    public mutating func members(_ rendered: [UInt8]) {
        guard !rendered.isEmpty else { return }
        prefix(nil)
        putShared(rendered)
    }

    /// Appends a whole value rendered ahead (an object's bytes, braces included), noted
    /// rather than copied as `members` does.
    public mutating func object(_ rendered: [UInt8]) {
        prefix(nil)
        putShared(rendered)
    }

    /// `members` for members rendered ahead in runs.
    public mutating func members(_ rendered: JSONRuns) {
        guard !rendered.own.isEmpty || !rendered.shared.isEmpty else { return }
        prefix(nil)
        splice(rendered)
    }

    /// `object` for a whole value rendered ahead in runs.
    public mutating func object(_ rendered: JSONRuns) {
        prefix(nil)
        splice(rendered)
    }

    private mutating func putShared(_ rendered: [UInt8]) {
        if notesSharedRuns {
            sharedRuns.append(JSONRuns.Shared(offset: count, bytes: rendered))
        } else {
            put(rendered)
        }
    }

    /// Writes text in runs: its shared runs noted (moved to this writer's offsets) when this
    /// writer notes them, copied in place otherwise.
    private mutating func splice(_ rendered: JSONRuns) {
        if notesSharedRuns {
            let start = count
            put(rendered.own)
            for run in rendered.shared {
                sharedRuns.append(
                    JSONRuns.Shared(offset: start + min(max(run.offset, 0), rendered.own.count), bytes: run.bytes))
            }
        } else {
            rendered.forEachRun { put($0) }
        }
    }

    /// Opens an object; `key` names it inside an enclosing object.
    public mutating func beginObject(_ key: StaticString? = nil) {
        prefix(key)
        put(UInt8(ascii: "{"))
        push()
    }

    /// Opens an object's members without writing its brace: members rendered to be spliced
    /// into an object written elsewhere (`bytes` then holds the members alone).
    public mutating func beginMembers() {
        push()
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        put(UInt8(ascii: "}"))
        pop()
    }

    /// Opens an array; `key` names it inside an enclosing object.
    public mutating func beginArray(_ key: StaticString? = nil) {
        prefix(key)
        put(UInt8(ascii: "["))
        push()
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        put(UInt8(ascii: "]"))
        pop()
    }

    /// Writes a string, or null.
    public mutating func string(_ key: StaticString?, _ value: String?) {
        prefix(key)
        if let value { appendQuoted(value) } else { appendLiteral("null") }
    }

    /// Writes an integer, or null.
    public mutating func int<T: BinaryInteger>(_ key: StaticString?, _ value: T?) {
        prefix(key)
        guard let value else { return appendLiteral("null") }
        rawInt(value)
    }

    /// Writes a number with a fixed count of decimals (deterministic output).
    public mutating func fixed(_ key: StaticString?, _ value: Double, decimals: Int) {
        prefix(key)
        appendFixed(value, decimals: decimals)
    }

    /// Appends `value` rounded to `decimals` places (0 to 18), without exponent, digit by
    /// digit (no string made). Past 9e15 units the fraction is noise: the whole part is
    /// written, truncated, and past Int64 as Swift spells the number ("1e+19", still JSON).
    private mutating func appendFixed(_ value: Double, decimals: Int) {
        guard value.isFinite else { return appendLiteral("null") }
        let decimals = min(max(decimals, 0), 18)
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale &*= 10 }
        let scaled = (abs(value) * Double(scale)).rounded()
        guard scaled < 9e15 else {
            if let whole = Int64(exactly: value.rounded(.towardZero)) { return appendDecimal(whole) }
            return appendText(String(value))
        }
        let units = UInt64(scaled)
        if value < 0 && units != 0 { put(UInt8(ascii: "-")) }
        appendDecimal(Int64(units / scale))
        guard decimals > 0 else { return }
        put(UInt8(ascii: "."))
        appendDigits(units % scale, width: decimals)
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

    /// `element` for text held in an array (made once, reused line after line), copied.
    public mutating func element(copying text: [UInt8]) {
        prefix(nil)
        put(text)
    }

    /// Appends text that is JSON as it stands, inside an element begun with `element`.
    public mutating func raw(_ literal: StaticString) {
        appendLiteral(literal)
    }

    /// Appends an integer, inside an element begun with `element`.
    public mutating func rawInt<T: BinaryInteger>(_ value: T) {
        if let small = Int64(exactly: value) {
            appendDecimal(small)
        } else {
            appendText(String(value))
        }
    }

    /// Appends a string literal, inside an element begun with `element`.
    public mutating func rawString(_ value: String) {
        appendQuoted(value)
    }

    /// Appends `run` (text that is JSON as it stands: a comma, a key and its colon) and a
    /// boolean, inside an element begun with `element`.
    public mutating func raw(_ run: StaticString, _ value: Bool) {
        appendLiteral(run)
        appendLiteral(value ? "true" : "false")
    }

    /// Appends `run` and an integer or null, inside an element begun with `element`.
    public mutating func raw<T: BinaryInteger>(_ run: StaticString, _ value: T?) {
        appendLiteral(run)
        rawInt(value)
    }

    /// Appends `run` and a string literal or null, inside an element begun with `element`.
    public mutating func raw(_ run: StaticString, _ value: String?) {
        appendLiteral(run)
        rawString(value)
    }

    /// Appends a string literal or null, inside an element begun with `element`.
    public mutating func rawString(_ value: String?) {
        guard let value else { return appendLiteral("null") }
        appendQuoted(value)
    }

    /// Appends an integer or null, inside an element begun with `element`.
    public mutating func rawInt<T: BinaryInteger>(_ value: T?) {
        guard let value else { return appendLiteral("null") }
        rawInt(value)
    }

    /// Appends `value` rounded to `decimals` places (as `fixed` writes it), inside an element
    /// begun with `element`.
    public mutating func rawFixed(_ value: Double, decimals: Int) {
        appendFixed(value, decimals: decimals)
    }

    /// Appends an address as a string (a dotted quad written digit by digit; IPv6 as RFC 5952
    /// text), inside an element begun with `element`.
    public mutating func rawAddress(_ value: IPAddress) {
        put(UInt8(ascii: "\""))
        value.withText { put($0) }
        put(UInt8(ascii: "\""))
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

    /// One element of a flow's `messages`:
    /// `{"frame":…,"ts":"…","from":"client"|"server","type":"…","length":…}`, the same bytes
    /// as `element`, `rawInt`, `raw`, `rawTime`, `raw`, `rawString`, `raw` and `raw` give, in
    /// room reserved once for all but the type (a flow has up to 64 of them, and each of those
    /// calls checked the room and counted on its own).
    public mutating func message(frame: UInt64, time: Timestamp, fromClient: Bool, type: String, length: Int) {
        messageHead(frame: frame, time: time, fromClient: fromClient)
        appendQuoted(type)
        messageTail(length: length)
    }

    /// `message` for a step of the exchange: its kind's name (letters, digits and underscores
    /// only, see `StepKind.name`) copied without looking for bytes to escape.
    public mutating func message(frame: UInt64, time: Timestamp, fromClient: Bool, kind: StepKind, length: Int) {
        messageHead(frame: frame, time: time, fromClient: fromClient)
        Self.withUTF8(of: kind.name) { putQuoted($0, then: nil) }
        messageTail(length: length)
    }

    /// A `messages` element up to its type's value.
    @inline(__always)
    private mutating func messageHead(frame: UInt64, time: Timestamp, fromClient: Bool) {
        prefix(nil)
        // The frame's 20 digits at most, the time's text, and the literals around them.
        reserve(Self.timeTextCapacity + 80)
        putReserved("{\"frame\":")
        putReservedDigits(frame)
        putReserved(",\"ts\":")
        refreshTimeText(time)
        Self.copy(timeText, to: base + count, count: timeTextCount)
        count += timeTextCount
        putReserved(fromClient ? ",\"from\":\"client\",\"type\":" : ",\"from\":\"server\",\"type\":")
    }

    /// A `messages` element from its length on.
    @inline(__always)
    private mutating func messageTail(length: Int) {
        // ",\"length\":", a sign and 19 digits, and the brace.
        reserve(32)
        putReserved(",\"length\":")
        if length < 0 { putReserved("-") }
        putReservedDigits(UInt64(length.magnitude))
        putReserved("}")
    }

    /// Copies a literal into room already reserved.
    @inline(__always)
    private mutating func putReserved(_ literal: StaticString) {
        Self.withBytes(of: literal) { bytes in
            guard let start = bytes.baseAddress else { return }
            Self.copy(start, to: base + count, count: bytes.count)
            count += bytes.count
        }
    }

    /// Writes the decimal digits of `value` into room already reserved (20 bytes at most).
    @inline(__always)
    private mutating func putReservedDigits(_ value: UInt64) {
        let width = Self.digitCount(value)
        Self.writeDigits(value, width: width, at: base + count)
        count += width
    }

    private mutating func appendTime(_ value: Timestamp) {
        refreshTimeText(value)
        put(UnsafeBufferPointer(start: timeText, count: timeTextCount))
    }

    /// Makes `timeText` the quoted text of `value` (unchanged when it is the last time written).
    private mutating func refreshTimeText(_ value: Timestamp) {
        if value != cachedTime || timeTextCount == 0 {
            if value.seconds != cachedTime.seconds || timeTextCount == 0 {
                var secondText: [UInt8] = [UInt8(ascii: "\"")]
                TimeFormat.appendRFC3339(Timestamp(seconds: value.seconds, nanoseconds: 0), to: &secondText)
                // "…SS.000000Z": keep through the dot.
                secondText.removeLast(min(secondText.count, 7))
                secondTextCount = min(secondText.count, Self.timeTextCapacity - 8)
                for index in 0..<secondTextCount { timeText[index] = secondText[index] }
            }
            Self.writeDigits(UInt64(value.nanoseconds / 1000), width: 6, at: timeText + secondTextCount)
            timeText[secondTextCount + 6] = UInt8(ascii: "Z")
            timeText[secondTextCount + 7] = UInt8(ascii: "\"")
            timeTextCount = secondTextCount + 8
            cachedTime = value
        }
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
                if members & bit != 0 { put(UInt8(ascii: ",")) }
                members |= bit
            } else if let last = deeper.last {
                if last { put(UInt8(ascii: ",")) }
                deeper[deeper.count - 1] = true
            }
        }
        if let key {
            // Keys are this program's own field names: plain ASCII literals, never escaped,
            // copied straight from the literal.
            Self.withBytes(of: key) { putQuoted($0, then: UInt8(ascii: ":")) }
        }
    }

    /// Writes an integer under a key known only at run time (the summary's counts by name).
    public mutating func int(named key: String, _ value: Int?) {
        prefix(nil)
        appendQuoted(key)
        put(UInt8(ascii: ":"))
        guard let value else { return appendLiteral("null") }
        appendDecimal(Int64(value))
    }

    private mutating func appendLiteral(_ literal: StaticString) {
        Self.withBytes(of: literal) { put($0) }
    }

    /// A literal's UTF-8 bytes, read in place from its storage (the call through
    /// `withUTF8Buffer` cost more than the copy on these short runs); a literal of one
    /// scalar has no storage and goes through `withUTF8Buffer`.
    @inline(__always)
    private static func withBytes(of literal: StaticString, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if literal.hasPointerRepresentation {
            body(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        } else {
            literal.withUTF8Buffer(body)
        }
    }

    private mutating func appendText(_ text: String) {
        Self.withUTF8(of: text) { put($0) }
    }

    /// A string's UTF-8 bytes, read where they lie (a native string's are contiguous), or
    /// from a contiguous copy. `withUTF8` needs a `var`, and the copy into it cost a retain
    /// and a release of the string's storage for every string written (about 45 a flow).
    @inline(__always)
    private static func withUTF8(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if text.utf8.withContiguousStorageIfAvailable(body) != nil { return }
        var copy = text
        copy.withUTF8(body)
    }

    /// Appends a decimal integer.
    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { put(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        appendDigits(magnitude, width: Self.digitCount(magnitude))
    }

    /// The decimal digits `value` takes (1 to 20).
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        var width = 1
        var scale: UInt64 = 10
        while width < 20 && value >= scale {
            width += 1
            scale = scale &* 10
        }
        return width
    }

    /// Appends the last `width` decimal digits of `value`, with leading zeros.
    private mutating func appendDigits(_ value: UInt64, width: Int) {
        reserve(width)
        Self.writeDigits(value, width: width, at: base + count)
        count += width
    }

    /// Writes the last `width` decimal digits of `value`, zero-padded, at `target` (room for
    /// `width` bytes made by the caller).
    @inline(__always)
    private static func writeDigits(_ value: UInt64, width: Int, at target: UnsafeMutablePointer<UInt8>) {
        var rest = value
        var position = width - 1
        while position >= 0 {
            target[position] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
            rest /= 10
            position -= 1
        }
    }

    /// `value` rounded to `decimals` places, without exponent, e.g. 0.0123.
    public static func formatFixed(_ value: Double, decimals: Int) -> String {
        var json = JSONWriter()
        json.appendFixed(value, decimals: decimals)
        return json.text
    }

    /// Appends `value` as a JSON string literal (RFC 8259, 7).
    private mutating func appendQuoted(_ value: String) {
        Self.withUTF8(of: value) { utf8 in
            // Most strings (names, hex, addresses) need no escape: copy them whole.
            if Self.isClean(utf8) {
                putQuoted(utf8, then: nil)
            } else {
                put(UInt8(ascii: "\""))
                appendEscaped(utf8)
                put(UInt8(ascii: "\""))
            }
        }
    }

    /// Whether no byte of `text` needs an escape (none below 0x20, no quote, no backslash),
    /// checked eight bytes at a time; a text of eight bytes or more ends with the word of its
    /// last eight (overlapping the one before), not byte by byte. A word flagged by mistake
    /// would only be escaped byte by byte, which writes the same for the bytes that need none.
    static func isClean(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = text.baseAddress else { return true }
        let raw = UnsafeRawPointer(start)
        let count = text.count
        guard count >= 8 else {
            for offset in 0..<count {
                let byte = text[offset]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            }
            return true
        }
        var offset = 0
        while offset + 8 < count {
            if !isClean(word: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) { return false }
            offset += 8
        }
        return isClean(word: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
    }

    /// Whether no byte of `word` is below 0x20, a quote or a backslash (a zero byte in either
    /// xor, Hacker's Delight 6-1).
    @inline(__always)
    private static func isClean(word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let below = (word &- ones &* 0x20) & ~word
        let zeroQuote = (quotes &- ones) & ~quotes
        let zeroBackslash = (backslashes &- ones) & ~backslashes
        return (below | zeroQuote | zeroBackslash) & highs == 0
    }

    /// Appends `"text"` (text that needs no escape) and, if given, one byte after it.
    @inline(__always)
    private mutating func putQuoted(_ text: UnsafeBufferPointer<UInt8>, then last: UInt8?) {
        reserve(text.count + 3)
        base[count] = UInt8(ascii: "\"")
        count += 1
        if let start = text.baseAddress { Self.copy(start, to: base + count, count: text.count) }
        count += text.count
        base[count] = UInt8(ascii: "\"")
        count += 1
        if let last {
            base[count] = last
            count += 1
        }
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        let hexDigits: StaticString = "0123456789abcdef"
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): appendLiteral("\\\"")
            case UInt8(ascii: "\\"): appendLiteral("\\\\")
            case UInt8(ascii: "\n"): appendLiteral("\\n")
            case UInt8(ascii: "\r"): appendLiteral("\\r")
            case UInt8(ascii: "\t"): appendLiteral("\\t")
            case 0..<0x20:
                appendLiteral("\\u00")
                hexDigits.withUTF8Buffer { digits in
                    put(digits[Int(byte >> 4)])
                    put(digits[Int(byte & 0xF)])
                }
            default:
                // Other bytes, multi-byte UTF-8 sequences included, are copied as they are.
                put(byte)
            }
        }
    }
}
