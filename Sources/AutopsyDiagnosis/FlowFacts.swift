import AutopsyFlow
import AutopsyPackets
import AutopsyTLS

/// Facts the rules ask of a flow, in the words evidence lines use.
extension FlowRecord {
    /// The first plaintext fatal alert (or, failing that, the first plaintext alert before
    /// the handshake was decided), with who sent it.
    var failingAlert: AlertRecord? {
        alerts.first { $0.isFatal && $0.stage != "after_handshake" }
            ?? alerts.first { !$0.isEncrypted && $0.stage != "after_handshake" }
    }

    /// Whether the handshake did not complete.
    var didFail: Bool { outcome != .established && outcome != .resumed }

    /// The client's offer.
    var offer: ClientHello? { clientHello?.hello }

    /// The highest version the client offered.
    var highestOfferedVersion: ProtocolVersion? { clientHello?.hello.highestOfferedVersion }

    /// "10.0.0.2:443" or "[2001:db8::2]:443".
    var serverAddress: String {
        let line: TextLine = "\(address: server)"
        return line.text
    }

    /// The openssl s_client line for this flow, with extra options.
    func opensslCheck(_ options: String = "") -> String {
        // Built part by part into one line (the name and the options are optional).
        var line = TextLine.Interpolation(literalCapacity: 64, interpolationCount: 3)
        line.appendLiteral("openssl s_client -connect ")
        line.appendInterpolation(address: server)
        if let serverName {
            line.appendLiteral(" -servername ")
            line.appendInterpolation(serverName)
        }
        if !options.isEmpty {
            line.appendLiteral(" ")
            line.appendInterpolation(options)
        }
        return TextLine(stringInterpolation: line).text
    }

    /// "frame 6: the server sent fatal alert handshake_failure (40) right after the ClientHello".
    func alertEvidence(_ alert: AlertRecord) -> String {
        guard let message = alert.alert else {
            let line: TextLine =
                "frame \(alert.frame): the \(alert.from.rawValue) sent an encrypted alert (\(alert.encryptedLength ?? 0) bytes)"
            return line.text
        }
        let line: TextLine =
            alert.stage == "client_hello"
            ? "frame \(alert.frame): the \(alert.from.rawValue) sent \(alert: message) right after the ClientHello"
            : "frame \(alert.frame): the \(alert.from.rawValue) sent \(alert: message) after \(alert.stage)"
        return line.text
    }

    /// "frame 4: the client offered TLS 1.2, TLS 1.1".
    var offerEvidence: String? {
        guard let hello = clientHello else { return nil }
        // The versions written into the line one by one, not joined into a string first.
        var line = TextLine.Interpolation(literalCapacity: 40, interpolationCount: 4)
        line.appendLiteral("frame ")
        line.appendInterpolation(hello.frame)
        line.appendLiteral(": the client offered ")
        for (index, version) in hello.hello.offeredVersions.enumerated() {
            if index > 0 { line.appendLiteral(", ") }
            line.appendInterpolation(version.description)
        }
        return TextLine(stringInterpolation: line).text
    }
}

/// Lists as text: "a, b and c".
func listed(_ items: [String], limit: Int = 6) -> String {
    let shown = Array(items.prefix(limit))
    let more = items.count > limit ? " and \(items.count - limit) more" : ""
    if shown.count <= 1 { return (shown.first ?? "none") + more }
    if more.isEmpty {
        return shown.dropLast().joined(separator: ", ") + " and " + (shown.last ?? "")
    }
    return shown.joined(separator: ", ") + more
}
