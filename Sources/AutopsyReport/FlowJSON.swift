import AutopsyDiagnosis
import AutopsyFlow
import AutopsyPackets
import AutopsyTLS
import AutopsyX509

/// Renders flow records and the summary as NDJSON, in the field order of
/// `shared/spec/flow-record.md`, one object per line.
public enum FlowJSON {
    /// One flow as one line (without the newline).
    public static func line(_ record: FlowRecord) -> String {
        var json = JSONWriter()
        write(record, to: &json)
        return json.text
    }

    /// Writes one flow as one object (without the newline) after what `json` holds; the
    /// parts rendered ahead (`renderedJSON`) are copied as they are. The others are
    /// rendered here, with `fragments`' parts when given (as `render` does).
    public static func write(_ record: FlowRecord, to json: inout JSONWriter, fragments: JSONFragments? = nil) {
        if let line = record.renderedJSON?.line { return json.object(line) }
        json.beginObject()
        json.element("\"type\":\"flow\",\"id\":")
        json.rawInt(record.id)
        if let rendered = record.renderedJSON {
            json.members(rendered.head)
        } else {
            head(record, &json, fragments)
        }
        diagnoses(record, &json)
        if let rendered = record.renderedJSON {
            json.members(rendered.tail)
        } else {
            tail(record, &json, fragments)
        }
        json.endObject()
    }

    /// The parts of a record's line that do not depend on its id and diagnoses
    /// (`JSONFragments.render`, which owns the writer and the reused parts, copied here).
    static func render(_ record: FlowRecord, into json: inout JSONWriter, fragments: JSONFragments) -> RenderedJSON {
        json.removeAll()
        json.beginMembers()
        head(record, &json, fragments)
        let head = json.runs
        json.removeAll()
        json.beginMembers()
        tail(record, &json, fragments)
        return RenderedJSON(head: head, tail: json.runs)
    }

    /// From `ts` to `tcp`.
    private static func head(_ record: FlowRecord, _ json: inout JSONWriter, _ fragments: JSONFragments? = nil) {
        // The members every record has, in a fixed order: written in runs, each key with the
        // comma before it (the same bytes as time, fixed, int, …, bool with their keys).
        json.element("\"ts\":")
        json.rawTime(record.firstTimestamp)
        json.raw(",\"duration\":")
        json.rawFixed(record.duration, decimals: 6)
        json.raw(",\"first_frame\":", record.firstFrame)
        json.raw(",\"last_frame\":", record.lastFrame)
        endpoint(&json, ",\"client\":{\"ip\":", record.client)
        endpoint(&json, ",\"server\":{\"ip\":", record.server)
        json.ints("vlan", record.vlan)
        json.raw(",\"outcome\":", record.outcome.rawValue)
        json.raw(record.established ? ",\"established\":true,\"version\":" : ",\"established\":false,\"version\":")
        json.rawString(record.version?.description)
        json.raw(",\"cipher\":", record.cipherName)
        json.raw(",\"curve\":", record.curve?.description)
        json.raw(",\"server_name\":", record.serverName)
        json.raw(",\"next_protocol\":", record.nextProtocol)
        json.raw(record.resumed ? ",\"resumed\":true" : ",\"resumed\":false")
        clientHello(&json, "client_hello", record.clientHello, fragments)
        // Each hello passed where it lies (`??` would copy it, arrays and all).
        if record.hasServerHello {
            serverHello(&json, "server_hello", record.serverHello, of: record, isFinal: true, fragments)
        } else {
            serverHello(&json, "server_hello", record.helloRetryRequest, of: record, isFinal: false, fragments)
        }
        certificates(&json, "certificates", record.certificateSummaries, fragments)
        certificates(&json, "client_certificates", record.clientCertificateSummaries, fragments)
        alerts(&json, record.alerts)
        tcp(&json, record.tcp)
    }

    private static func diagnoses(_ record: FlowRecord, _ json: inout JSONWriter) {
        json.beginArray("diagnoses")
        for diagnosis in record.diagnoses {
            json.beginObject()
            json.string("id", diagnosis.id)
            json.string("summary", diagnosis.summary)
            json.strings("evidence", diagnosis.evidence)
            json.string("remedy", diagnosis.remedy)
            json.string("check", diagnosis.check)
            json.bool("inferred", diagnosis.inferred)
            json.endObject()
        }
        json.endArray()
    }

    /// From `hello_retry_request` to `end`: fields beyond the contract's example, in a fixed order.
    private static func tail(_ record: FlowRecord, _ json: inout JSONWriter, _ fragments: JSONFragments? = nil) {
        if record.hasServerHello, record.helloRetryRequest != nil {
            serverHello(&json, "hello_retry_request", record.helloRetryRequest, of: record, isFinal: false, fragments)
        } else {
            json.null("hello_retry_request")
        }
        clientHello(&json, "retry_client_hello", record.retryClientHello, fragments)
        chainCheck(&json, record.chainAssessment, fragments)
        // In runs, each key with the comma before it (members precede them).
        json.raw(",\"certificate_count\":", record.certificateSummaries.count)
        json.raw(",\"client_certificate_count\":", record.clientCertificateSummaries.count)
        json.raw(",\"certificate_requested\":", record.certificateRequest != nil)
        json.raw(",\"upgraded_from_plaintext\":", record.upgradedFromPlaintext)
        json.raw(",\"closed_right_after_handshake\":", record.closedRightAfterHandshake)
        plaintext(&json, record)
        steps(&json, record)
        json.names("anomalies", record.anomalies, { $0.description })
        json.strings("malformed", record.malformed)
        json.raw(",\"end\":", record.end)
    }

    /// The summary object, the last line of the output.
    public static func summary(_ summary: AnalysisSummary) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.string("type", "summary")
        json.int("packets", summary.packets)
        json.int("flows", summary.flows)
        json.int("tls_flows", summary.tlsFlows)
        json.int("flows_reported_late", summary.flowsReportedLate)
        json.beginObject("outcomes")
        for outcome in Outcome.allCases { json.int(named: outcome.rawValue, summary.outcomes[outcome] ?? 0) }
        json.endObject()
        json.beginObject("diagnoses")
        let known = DiagnosisID.allCases.map(\.rawValue)
        for id in known { json.int(named: id, summary.diagnoses[id] ?? 0) }
        for id in summary.diagnoses.keys.sorted() where !known.contains(id) {
            json.int(named: id, summary.diagnoses[id])
        }
        json.endObject()
        json.beginArray("patterns")
        for pattern in summary.patterns {
            json.beginObject()
            json.string("server", pattern.server)
            json.string("server_name", pattern.serverName)
            json.string("statement", pattern.statement)
            json.int("failed", pattern.failed)
            json.int("succeeded", pattern.succeeded)
            json.string("attribute", pattern.attribute)
            json.endObject()
        }
        json.endArray()
        json.beginObject("malformed")
        json.int("packets", summary.malformedPackets)
        json.int("records", summary.malformedRecords)
        json.endObject()
        json.int("dropped_by_kernel", summary.droppedByKernel)
        json.int("dropped_by_interface", summary.droppedByInterface)
        json.beginArray("captures")
        for capture in summary.captures {
            json.beginObject()
            json.string("file", capture.file)
            json.string("link_type", capture.linkType)
            json.int("packets", capture.packets)
            json.string("truncated", capture.truncated)
            json.endObject()
        }
        json.endArray()
        json.beginObject("packets_skipped")
        json.int("not_tcp", summary.nonTCPPackets)
        json.int("ip_fragments", summary.ipFragments)
        json.int("snaplen_truncated", summary.truncatedSegments)
        json.endObject()
        let tcp = summary.tcp
        json.beginObject("reassembly")
        json.int("segments", tcp.segments)
        json.int("flows_tracked", tcp.flowsCreated)
        json.int("flows_tracked_peak", tcp.flowsTrackedPeak)
        json.int("tombstones_peak", tcp.tombstonesPeak)
        json.int("flows_without_syn", tcp.flowsWithoutSYN)
        json.int("retransmitted_segments", tcp.retransmittedSegments)
        json.int("out_of_order_segments", tcp.outOfOrderSegmentsBuffered)
        json.int("out_of_order_bytes_peak", tcp.outOfOrderBytesPeak)
        json.int("tls_buffer_peak_bytes", summary.tlsBufferPeakBytes)
        json.int("gaps", tcp.gaps)
        json.int("gap_bytes", tcp.gapBytes)
        json.int("direction_limit_hits", tcp.perDirectionLimitHits)
        json.int("total_limit_evictions", tcp.totalLimitEvictions)
        json.int("max_flows_evictions", tcp.maxFlowsEvictions)
        json.int("idle_expiries", tcp.idleExpiries)
        json.int("pending_age_flushes", tcp.pendingAgeFlushes)
        json.endObject()
        json.strings("warnings", summary.warnings)
        json.endObject()
        return json.text
    }

    private static func certificates(
        _ json: inout JSONWriter, _ key: StaticString, _ summaries: [CertificateSummary],
        _ fragments: JSONFragments?
    ) {
        json.beginArray(key)
        // Each summary read where it lies (a copy retained a dozen strings).
        let held = summaries.span
        for index in held.indices {
            if let fragments {
                json.object(fragments.certificate(held[index]))
            } else {
                certificate(&json, held[index])
            }
        }
        json.endArray()
    }

    /// One certificate's object (`JSONFragments` keeps it, by fingerprint: a chain recurs
    /// in flow after flow).
    static func certificate(_ json: inout JSONWriter, _ summary: borrowing CertificateSummary) {
        json.beginObject()
        json.string("subject", summary.subject)
        json.string("issuer", summary.issuer)
        json.strings("san", summary.sanDNS)
        json.string("not_before", summary.notBefore.map(TimeFormat.rfc3339Seconds))
        json.string("not_after", summary.notAfter.map(TimeFormat.rfc3339Seconds))
        json.string("serial", summary.serial)
        json.string("sha256", summary.sha256)
        json.string("public_key", summary.publicKey)
        json.string("signature_algorithm", summary.signatureAlgorithm)
        json.bool("self_signed", summary.selfSigned)
        json.strings("san_ip", summary.sanIP)
        json.bool("ca", summary.isCA)
        json.string("parse_error", summary.parseError)
        json.endObject()
    }

    private static func chainCheck(
        _ json: inout JSONWriter, _ assessment: ChainAssessment?, _ fragments: JSONFragments?
    ) {
        guard let assessment else { return json.null("chain_check") }
        json.beginObject("chain_check")
        json.time("at", assessment.time)
        json.string("name", assessment.name)
        json.bool("trusted", assessment.trusted)
        json.string("anchor", assessment.anchor)
        json.string("name_match", assessment.nameMatch?.rawValue)
        json.string("missing_intermediate", assessment.missingIntermediate)
        json.string("untrusted_root", assessment.untrustedRoot)
        if let fragments {
            json.members(fragments.findings(assessment.findings))
        } else {
            findings(&json, assessment.findings)
        }
        json.string("verifier_error", assessment.verifierError)
        json.endObject()
    }

    /// The member `"findings":[…]` of a chain check (`JSONFragments` keeps it: a chain's
    /// findings recur flow after flow).
    static func findings(_ json: inout JSONWriter, _ findings: [CertificateFinding]) {
        json.names("findings", findings, CertificateText.finding)
    }

    /// An endpoint's object after `opening` (the comma, the key and the brace), in runs.
    private static func endpoint(_ json: inout JSONWriter, _ opening: StaticString, _ endpoint: Endpoint) {
        json.raw(opening)
        json.rawAddress(endpoint.ip)
        json.raw(",\"port\":", endpoint.port)
        json.raw("}")
    }

    private static func clientHello(
        _ json: inout JSONWriter, _ key: StaticString, _ entry: ClientHelloRecord?, _ fragments: JSONFragments?
    ) {
        guard let entry else { return json.null(key) }
        // Fields read where they lie: a local copy of the hello would retain its arrays. Members
        // in runs, each key with the comma before it; the lists (`record_version` to `alpn`)
        // between them as the writer's members.
        json.beginObject(key)
        json.element("\"frame\":")
        json.rawInt(entry.frame)
        if let fragments {
            json.members(fragments.lists(of: entry))
        } else {
            helloLists(&json, entry)
        }
        json.raw(",\"server_name\":", entry.hello.extensions.serverName)
        json.raw(",\"sslv2_compatible\":", entry.hello.isSSLv2Compatible)
        json.raw(",\"ja3\":", entry.ja3)
        json.raw(",\"ja3_string\":", entry.ja3String)
        json.raw(",\"ja4\":", entry.ja4)
        json.raw(",\"session_id\":", !entry.hello.sessionID.isEmpty)
        json.raw(",\"session_ticket_length\":", entry.hello.extensions.sessionTicketLength)
        json.raw(",\"psk_identities\":", entry.hello.extensions.preSharedKeyIdentities)
        json.raw(",\"early_data\":", entry.hello.extensions.contains(.earlyData))
        if let ech = entry.hello.extensions.encryptedClientHello {
            json.raw(",\"ech\":{\"type\":", ech.type)
            json.raw(",\"kdf\":", ech.kdf)
            json.raw(",\"aead\":", ech.aead)
            json.raw(",\"config_id\":", ech.configID)
            json.raw(",\"payload_length\":", ech.payloadLength)
            json.raw("}")
        } else {
            json.raw(",\"ech\":null")
        }
        json.endObject()
    }

    /// From `record_version` to `alpn`: what a client stack sends alike in every hello.
    static func helloLists(_ json: inout JSONWriter, _ entry: ClientHelloRecord) {
        let hello = entry.hello
        let ext = hello.extensions
        json.string("record_version", entry.recordVersion.description)
        json.string("legacy_version", hello.legacyVersion.description)
        json.strings("supported_versions", ext.supportedVersions?.filter { !$0.isGREASE }.map(\.description) ?? [])
        json.names("cipher_suites", hello.cipherSuites, { $0.description })
        json.names("extensions", ext.types, { $0.description })
        json.names("supported_groups", ext.supportedGroups ?? [], { $0.description })
        json.names("key_shares", ext.keyShareGroups ?? [], { $0.description })
        json.names("signature_algorithms", ext.signatureAlgorithms ?? [], { $0.description })
        json.strings("alpn", ext.alpnNames ?? [])
    }

    /// A ServerHello or HelloRetryRequest of `record`; when `isFinal` (the record's
    /// ServerHello), the cipher is the record's (SSL 2.0 included).
    private static func serverHello(
        _ json: inout JSONWriter, _ key: StaticString, _ entry: ServerHelloRecord?, of record: FlowRecord,
        isFinal: Bool, _ fragments: JSONFragments?
    ) {
        guard let entry else { return json.null(key) }
        json.beginObject(key)
        json.element("\"frame\":")
        json.rawInt(entry.frame)
        // The cipher of the record's ServerHello is the record's (SSL 2.0 included).
        let cipherName = isFinal ? record.cipherName : entry.hello.cipherSuite.description
        let cipherCode = isFinal ? record.cipherCode : Int(entry.hello.cipherSuite.rawValue)
        if let fragments {
            json.members(fragments.serverHello(entry, cipherName: cipherName, cipherCode: cipherCode))
        } else {
            serverHelloMembers(&json, entry, cipherName: cipherName, cipherCode: cipherCode)
        }
        json.endObject()
    }

    /// From `version` to `cipher_suite_code`: what a server stack answers alike to every
    /// client that offers the same (`JSONFragments.serverHello` keeps them).
    static func serverHelloMembers(
        _ json: inout JSONWriter, _ entry: borrowing ServerHelloRecord, cipherName: String?, cipherCode: Int?
    ) {
        json.string("version", entry.hello.selectedVersion.description)
        json.string("cipher_suite", cipherName)
        json.names("extensions", entry.hello.extensions.types, { $0.description })
        json.string("curve", entry.hello.keyShareGroup?.description)
        json.string("alpn", entry.hello.selectedALPN)
        json.bool("hello_retry_request", entry.hello.isHelloRetryRequest)
        json.string("ja3s", entry.ja3s)
        json.int("cipher_suite_code", cipherCode)
    }

    /// The alerts, each a fixed shape written in runs (the same bytes as beginObject, the
    /// eight members, endObject).
    private static func alerts(_ json: inout JSONWriter, _ alerts: [AlertRecord]) {
        json.beginArray("alerts")
        for alert in alerts {
            json.element("{\"frame\":")
            json.rawInt(alert.frame)
            switch alert.from {
            case .client: json.raw(",\"from\":\"client\",\"level\":")
            case .server: json.raw(",\"from\":\"server\",\"level\":")
            }
            json.rawString(alert.alert.map { $0.level.description })
            json.raw(",\"code\":", alert.alert?.description.rawValue)
            json.raw(",\"description\":", alert.alert?.description.description)
            json.raw(",\"encrypted\":", alert.isEncrypted)
            json.raw(",\"stage\":", alert.stage)
            json.raw(",\"length\":", alert.encryptedLength)
            json.raw("}")
        }
        json.endArray()
    }

    /// `"tcp":{…}`: a fixed shape (the same bytes as beginObject, five bools, two ints,
    /// endObject). Its five flags are spelled in one of 32 ways, each made once
    /// (`tcpFlags`), up to the gaps' count.
    static func tcp(_ json: inout JSONWriter, _ tcp: TCPFacts) {
        let flags =
            (tcp.syn ? 1 : 0) | (tcp.clientRST ? 2 : 0) | (tcp.serverRST ? 4 : 0) | (tcp.clientFIN ? 8 : 0)
            | (tcp.serverFIN ? 16 : 0)
        json.element(copying: tcpFlags[flags & 31])
        json.rawInt(tcp.gaps)
        json.raw(",\"retransmissions\":", tcp.retransmissions)
        json.raw("}")
    }

    /// `"tcp":{"syn":…,"server_fin":…,"gaps":` for each of the five flags' values (bit 0
    /// `syn` to bit 4 `server_fin`).
    static let tcpFlags: [[UInt8]] = (0..<32).map { flags in
        func flag(_ bit: Int) -> String { flags & (1 << bit) != 0 ? "true" : "false" }
        let text =
            "\"tcp\":{\"syn\":\(flag(0)),\"client_rst\":\(flag(1)),\"server_rst\":\(flag(2)),"
            + "\"client_fin\":\(flag(3)),\"server_fin\":\(flag(4)),\"gaps\":"
        return Array(text.utf8)
    }

    private static func plaintext(_ json: inout JSONWriter, _ record: FlowRecord) {
        if record.plaintextSample.isEmpty { return json.null("plaintext") }
        json.beginObject("plaintext")
        json.string("client", record.plaintextSample[.client])
        json.string("server", record.plaintextSample[.server])
        json.endObject()
    }

    private static func steps(_ json: inout JSONWriter, _ record: FlowRecord) {
        json.beginArray("messages")
        // A fixed shape, up to 64 times a flow: written in runs rather than field by field
        // (the same bytes as beginObject, int, time, string, string, int, endObject).
        // Each step read where it lies.
        record.steps.withUnsafeBufferPointer { steps in
            for index in steps.indices { step(&json, steps[index]) }
        }
        json.endArray()
        json.int("messages_omitted", record.stepsOmitted)
    }

    /// One message of `messages`.
    @inline(__always)
    private static func step(_ json: inout JSONWriter, _ step: borrowing ExchangeStep) {
        json.message(
            frame: step.frame, time: step.timestamp, fromClient: step.from == .client, kind: step.kind,
            length: step.length)
    }
}
