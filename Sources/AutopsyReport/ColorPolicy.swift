/// Whether the text report uses colour: only on a terminal, never with `NO_COLOR` set or
/// `TERM=dumb`, unless the user forces it (https://no-color.org).
public enum ColorPolicy: String, Sendable, CaseIterable {
    /// Colour when stdout is a terminal and the environment allows it.
    case auto
    /// Always colour.
    case always
    /// Never colour.
    case never

    /// Decides, given whether stdout is a terminal and the environment.
    public func enabled(isTerminal: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return isTerminal
        }
    }
}

/// ANSI styles for the text report; every call is a no-op when colour is off.
public struct Style: Sendable {
    /// Whether colour is on.
    public let enabled: Bool

    /// Creates a style.
    public init(enabled: Bool) { self.enabled = enabled }

    func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1b}[\(code)m\(text)\u{1b}[0m" : text
    }

    /// Bold text.
    public func bold(_ text: String) -> String { wrap(text, "1") }
    /// Red text (failures).
    public func red(_ text: String) -> String { wrap(text, "31") }
    /// Green text (successes).
    public func green(_ text: String) -> String { wrap(text, "32") }
    /// Yellow text (warnings, incomplete).
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    /// Dim text (details).
    public func dim(_ text: String) -> String { wrap(text, "2") }
}
