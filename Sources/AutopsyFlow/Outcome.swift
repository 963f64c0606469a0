/// How a flow's handshake ended: exactly one per flow (`shared/spec/diagnoses.md`, "Outcomes").
public enum Outcome: String, Sendable, Hashable, CaseIterable {
    /// Both sides moved to encrypted traffic.
    case established
    /// Established by session resumption or PSK.
    case resumed
    /// A fatal alert ended the handshake.
    case failed
    /// A TCP reset ended the flow before the handshake finished.
    case reset
    /// The ClientHello was sent and nothing TLS came back.
    case noResponse = "no_response"
    /// One side spoke something other than TLS.
    case notTLS = "not_tls"
    /// The capture ended, or had a gap, before the handshake finished.
    case incomplete
    /// The capture started after the handshake began.
    case partial
}

extension Outcome {
    /// The case's place in `allCases`.
    var ordinal: Int {
        switch self {
        case .established: 0
        case .resumed: 1
        case .failed: 2
        case .reset: 3
        case .noResponse: 4
        case .notTLS: 5
        case .incomplete: 6
        case .partial: 7
        }
    }
}

/// Which side of a TLS flow sent something.
public enum Side: String, Sendable, Hashable {
    /// The side that sent the ClientHello.
    case client
    /// The other side.
    case server
}
