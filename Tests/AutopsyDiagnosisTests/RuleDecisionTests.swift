import AutopsyPackets
import AutopsyTestSupport
import Testing

@testable import AutopsyDiagnosis
@testable import AutopsyFlow
@testable import AutopsyTLS
@testable import AutopsyX509

/// Rules decide whether they apply before they write evidence; the evidence of one that
/// applies is the same whatever path decided it.
@Suite struct RuleDecisionTests {
    static let server = Endpoint(ip: IPAddress(ipv4: 0x0A00_0002), port: 443)

    static func flow(alpn: [String], outcome: Outcome) throws -> FlowRecord {
        var record = FlowRecord(
            sequence: 1, firstTimestamp: Timestamp(seconds: 0, nanoseconds: 0), firstFrame: 1,
            client: Endpoint(ip: IPAddress(ipv4: 0x0A00_0001), port: 40_000), server: server, vlan: [])
        record.clientHello = ClientHelloRecord(
            frame: 4, timestamp: record.firstTimestamp, recordVersion: .tls12,
            hello: try ClientHello.parse(Wire.clientHelloBody(alpn: alpn)))
        record.outcome = outcome
        return record
    }

    /// A context that saw this server select h2 in a successful TLS 1.2 handshake.
    static func contextWithH2() throws -> DiagnosisContext {
        var success = try flow(alpn: ["h2"], outcome: .established)
        let alpnExtension = Wire.ext(0x0010, Wire.vec16(Wire.vec8(Array("h2".utf8))))
        let body =
            Wire.u16(0x0303) + [UInt8](repeating: 7, count: 32) + Wire.vec8([]) + Wire.u16(0xc02f) + Wire.u8(0)
            + Wire.vec16(alpnExtension)
        success.serverHello = ServerHelloRecord(
            frame: 6, timestamp: success.firstTimestamp, hello: try ServerHello.parse(body))
        let context = DiagnosisContext()
        context.learn(success)
        return context
    }

    static func refused(_ record: FlowRecord, code: UInt8, stage: String) -> FlowRecord {
        var record = record
        record.alerts = [
            AlertRecord(
                frame: 5, timestamp: record.firstTimestamp, from: .server,
                alert: AlertMessage(level: AlertLevel(rawValue: 2), description: AlertDescription(rawValue: code)),
                encryptedLength: nil, stage: stage)
        ]
        return record
    }

    @Test func alpnDisjointFromWhatTheServerSelectsRightAfterTheHello() throws {
        let context = try Self.contextWithH2()
        let offer = try Self.flow(alpn: ["http/1.1"], outcome: .failed)
        let refusal = Self.refused(offer, code: 40, stage: "client_hello")
        let diagnosis = try #require(ALPNMismatchRule().diagnose(refusal, context))
        #expect(
            diagnosis.evidence == [
                "frame 5: the server sent fatal alert handshake_failure (40) right after the ClientHello",
                "frame 4: the client offered ALPN http/1.1", "in other flows this server selected h2",
            ])
        // Later in the handshake, or with a protocol in common, it is not this case.
        #expect(ALPNMismatchRule().diagnose(Self.refused(offer, code: 40, stage: "certificate"), context) == nil)
        let common = try Self.flow(alpn: ["h2", "http/1.1"], outcome: .failed)
        #expect(ALPNMismatchRule().diagnose(Self.refused(common, code: 40, stage: "client_hello"), context) == nil)
    }

    /// A ClientHello body offering TLS 1.2 alone (no supported_versions), one suite, no SNI.
    static let tls12OnlyHelloBody =
        Wire.u16(0x0303) + [UInt8](repeating: 3, count: 32) + Wire.vec8([]) + Wire.vec16(Wire.u16(0xc02f))
        + Wire.vec8([0]) + Wire.vec16(Wire.ext(0x000a, Wire.vec16(Wire.u16(0x0017))))

    /// A TLS 1.2-only client at a server that negotiated only TLS 1.3 in the flow learned
    /// before: refused right after the hello, the two share no version; but once the
    /// server's own ServerHello chose TLS 1.2 in this flow, they do, and a later failure
    /// (here the client's unknown_ca) is not a version mismatch.
    @Test func aVersionTheServerChoseInThisFlowIsShared() throws {
        var success = try Self.flow(alpn: [], outcome: .established)
        success.serverHello = ServerHelloRecord(
            frame: 6, timestamp: success.firstTimestamp, hello: try ServerHello.parse(Wire.serverHelloBody()))
        let context = DiagnosisContext()
        context.learn(success)
        var offer = try Self.flow(alpn: [], outcome: .failed)
        offer.clientHello = ClientHelloRecord(
            frame: 4, timestamp: offer.firstTimestamp, recordVersion: .tls10,
            hello: try ClientHello.parse(Self.tls12OnlyHelloBody))
        let refused = Self.refused(offer, code: 40, stage: "client_hello")
        let diagnosis = try #require(ProtocolVersionMismatchRule().diagnose(refused, context))
        #expect(
            diagnosis.evidence.last
                == "in 1 successful handshake this server negotiated only TLS 1.3: nothing as low as TLS 1.2")
        var answered = offer
        answered.serverHello = ServerHelloRecord(
            frame: 6, timestamp: offer.firstTimestamp,
            hello: try ServerHello.parse(
                Wire.u16(0x0303) + [UInt8](repeating: 7, count: 32) + Wire.vec8([]) + Wire.u16(0xc02f) + Wire.u8(0)))
        answered.alerts = [
            AlertRecord(
                frame: 9, timestamp: offer.firstTimestamp, from: .client,
                alert: AlertMessage(level: AlertLevel(rawValue: 2), description: AlertDescription(rawValue: 48)),
                encryptedLength: nil, stage: "server_hello_done")
        ]
        #expect(answered.version == .tls12)
        #expect(ProtocolVersionMismatchRule().diagnose(answered, context) == nil)
        // A protocol_version alert after a version both share is still the alert's case,
        // and it reads the server's profile like any other (not inferred: the alert says it).
        let alerted = Self.refused(answered, code: 70, stage: "server_hello")
        let diagnosed = try #require(ProtocolVersionMismatchRule().diagnose(alerted, context))
        #expect(!diagnosed.inferred)
        #expect(!diagnosed.evidence.contains { $0.hasPrefix("no handshake to this server succeeded") })
        let alone = ProtocolVersionMismatchRule().diagnose(alerted, DiagnosisContext())
        #expect(alone?.evidence.last?.hasPrefix("no handshake to this server succeeded in the capture") == true)
    }

    /// A client that closed or reset gave up; one still waiting when the capture ended is
    /// not said to have.
    @Test func anUnansweredHelloSaysWhetherTheClientGaveUp() throws {
        var waiting = try Self.flow(alpn: [], outcome: .noResponse)
        waiting.lastTimestamp = Timestamp(seconds: 2, nanoseconds: 500_000_000)
        let cut = try #require(NoServerResponseRule().diagnose(waiting, DiagnosisContext()))
        #expect(
            cut.summary
                == "The server accepted the connection but did not answer the ClientHello in the 2.500 s before the capture ended."
        )
        #expect(
            cut.evidence.contains(
                "nothing came back from the server for 2.500 s; the client waited until the capture ended"))
        var closed = waiting
        closed.tcp.clientFIN = true
        let gaveUp = try #require(NoServerResponseRule().diagnose(closed, DiagnosisContext()))
        #expect(gaveUp.summary.hasSuffix("; the client gave up after 2.500 s."))
        var reset = waiting
        reset.tcp.clientRST = true
        #expect(try #require(NoServerResponseRule().diagnose(reset, DiagnosisContext())).summary.contains("gave up"))
    }

    /// A leaf for www.example.com served to a client that asked for `name` (nil: no SNI,
    /// so the address 10.0.0.2 is checked), refused by the client.
    static func misnamed(serverName: String?) throws -> FlowRecord {
        var record = try flow(alpn: [], outcome: .failed)
        let body = serverName.map { Wire.clientHelloBody(sni: $0, alpn: []) } ?? Self.tls12OnlyHelloBody
        record.clientHello = ClientHelloRecord(
            frame: 4, timestamp: record.firstTimestamp, recordVersion: .tls12, hello: try ClientHello.parse(body))
        var leaf = CertificateSummary(sha256: "00", parseError: "")
        leaf.parseError = nil
        leaf.sanDNS = ["www.example.com", "example.com"]
        var assessment = ChainAssessment(time: record.firstTimestamp, name: serverName ?? "10.0.0.2")
        assessment.certificates = [leaf]
        assessment.nameMatch = .mismatch
        record.chainAssessment = assessment
        record.certificateSummaries = [leaf]
        return record
    }

    @Test func aNameMismatchWithoutSNIIsAboutTheAddress() throws {
        let byAddress = try Self.misnamed(serverName: nil)
        #expect(byAddress.serverName == nil)
        let diagnosis = try #require(CertificateNameMismatchRule().diagnose(byAddress, DiagnosisContext()))
        #expect(diagnosis.summary.hasPrefix("The server's certificate is not valid for its address 10.0.0.2:"))
        #expect(
            diagnosis.remedy
                == "Connect by a name the certificate covers (www.example.com and example.com) and send it as SNI, or serve a certificate that lists 10.0.0.2 as an IP address in its subjectAltName."
        )
        #expect(diagnosis.check == "openssl s_client -connect 10.0.0.2:443 -verify_ip 10.0.0.2 -showcerts")
        #expect(diagnosis.evidence.last == "the leaf covers www.example.com and example.com, not 10.0.0.2")
        let byName = try #require(
            CertificateNameMismatchRule().diagnose(try Self.misnamed(serverName: "api.example.org"), DiagnosisContext())
        )
        #expect(
            byName.summary
                == "The server's certificate is not valid for the name the client asked for (api.example.org).")
        #expect(byName.check.hasSuffix("-servername api.example.org -verify_hostname api.example.org -showcerts"))
    }

    @Test func theNoApplicationProtocolAlertIsEnoughAlone() throws {
        let offer = try Self.flow(alpn: ["spdy/3"], outcome: .failed)
        let diagnosis = try #require(
            ALPNMismatchRule().diagnose(Self.refused(offer, code: 120, stage: "client_hello"), DiagnosisContext()))
        #expect(diagnosis.evidence.count == 2)
        #expect(diagnosis.evidence.last == "frame 4: the client offered ALPN spdy/3")
        #expect(diagnosis.check.hasSuffix("-alpn spdy/3"))
    }
}
