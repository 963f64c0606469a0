/// A pattern across flows, as a person would state it: what separates the failed flows
/// to one server from the successful ones (`shared/spec/flow-record.md`, `patterns`).
public struct PatternStatement: Sendable, Hashable {
    /// "10.0.0.2:443".
    public var server: String
    /// The SNI of the server's flows, when they had one.
    public var serverName: String?
    /// The statement with its counts.
    public var statement: String
    /// Failed flows to this server.
    public var failed: Int
    /// Successful flows to this server.
    public var succeeded: Int
    /// Which attribute separates them (`client_max_version`, `sni_present`, `time_window`, ...).
    public var attribute: String

    /// Creates a statement.
    public init(server: String, serverName: String?, statement: String, failed: Int, succeeded: Int, attribute: String)
    {
        self.server = server
        self.serverName = serverName
        self.statement = statement
        self.failed = failed
        self.succeeded = succeeded
        self.attribute = attribute
    }
}
