/// A count and its noun for the text people read: "1 flow", "3 flows", "1 successful
/// handshake". The plural is the noun with an "s" unless `plural` is given.
public func counted<Count: BinaryInteger>(_ count: Count, _ noun: String, plural: String? = nil) -> String {
    count == 1 ? "1 \(noun)" : "\(count) \(plural ?? noun + "s")"
}
