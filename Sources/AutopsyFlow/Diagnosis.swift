/// One explanation of what went wrong in a flow (`shared/spec/diagnoses.md`): a stable
/// id, a plain-words summary, the evidence seen on the wire (with frames), a remedy, and
/// a command that confirms it with the flow's real address, port and name.
public struct Diagnosis: Sendable, Hashable {
    /// The stable id, e.g. `protocol_version_mismatch`.
    public var id: String
    /// One sentence in plain words.
    public var summary: String
    /// What was seen, each line citing frames.
    public var evidence: [String]
    /// What to do about it.
    public var remedy: String
    /// A command that confirms it.
    public var check: String
    /// Whether the diagnosis is inferred from indirect evidence (sizes, timing, the offer
    /// alone) rather than seen outright; the summary says so too.
    public var inferred: Bool

    /// Creates a diagnosis.
    public init(id: String, summary: String, evidence: [String], remedy: String, check: String, inferred: Bool = false)
    {
        self.id = id
        self.summary = summary
        self.evidence = evidence
        self.remedy = remedy
        self.check = check
        self.inferred = inferred
    }
}
