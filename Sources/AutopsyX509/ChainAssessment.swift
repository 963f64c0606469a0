import AutopsyPackets

/// What is wrong, or worth a warning, about one certificate of a chain at the capture time.
public struct CertificateFinding: Sendable, Hashable {
    /// The kinds of finding.
    public enum Kind: Sendable, Hashable {
        /// The certificate did not parse; the reason.
        case unparseable(String)
        /// notAfter is before the capture time.
        case expired(notAfter: Timestamp)
        /// notBefore is after the capture time.
        case notYetValid(notBefore: Timestamp)
        /// notAfter is within 30 days after the capture time; the whole days left.
        case expiringSoon(notAfter: Timestamp, days: Int)
        /// Signed with SHA-1 (not reported for self-signed certificates, whose signature no client checks).
        case sha1Signature
        /// Signed with MD5 or MD2 (same exception).
        case md5Signature
        /// An RSA key under 2048 bits; its size.
        case weakRSA(bits: Int)
    }

    /// The position of the certificate in the chain as sent, 0 = leaf.
    public var index: Int
    /// What was found.
    public var kind: Kind

    /// Creates a finding.
    public init(index: Int, kind: Kind) {
        self.index = index
        self.kind = kind
    }

    /// Whether this is a warning (SHA-1, MD5, weak RSA, expiring soon) rather than a failure.
    public var isWarning: Bool {
        switch kind {
        case .expiringSoon, .sha1Signature, .md5Signature, .weakRSA: return true
        case .unparseable, .expired, .notYetValid: return false
        }
    }
}

/// How one sent certificate relates to the others and to the trust store.
public struct ChainLink: Sendable, Hashable {
    /// The position of the certificate in the chain as sent.
    public var index: Int
    /// The position of the sent certificate that issued it: its subject is this one's issuer,
    /// the key identifiers agree where both are present, and its key made the signature (or the
    /// signature cannot be checked). nil when no other sent certificate did.
    public var issuerIndex: Int?
    /// Whether the issuer's key was seen to make the signature: nil when it could not be
    /// checked or no issuer was found (in the chain or the store).
    public var signatureVerified: Bool?
    /// The subject of the trust anchor that issued it, when one did.
    public var issuedByAnchor: String?
    /// The certificate is itself a trust anchor (same bytes, or same subject and key).
    public var isAnchor: Bool
    /// The certificate is self-signed.
    public var selfSigned: Bool

    /// Creates a link.
    public init(
        index: Int, issuerIndex: Int?, signatureVerified: Bool?, issuedByAnchor: String?, isAnchor: Bool,
        selfSigned: Bool
    ) {
        self.index = index
        self.issuerIndex = issuerIndex
        self.signatureVerified = signatureVerified
        self.issuedByAnchor = issuedByAnchor
        self.isAnchor = isAnchor
        self.selfSigned = selfSigned
    }
}

/// The order of a chain as sent (RFC 8446 section 4.4.2: each certificate certifies the one
/// before it).
public enum ChainOrder: Sendable, Hashable {
    /// One certificate, or each certificate is issued by the next one.
    case ordered
    /// The issuers are all there but not each right after what it issued (TLS 1.3 and most
    /// clients accept this; some older ones do not).
    case outOfOrder
    /// Certificates that are not on the path from the leaf (extra or stale ones), by position.
    case unrelated([Int])
}

/// Everything the checks say about one chain, judged at one capture time.
@dynamicMemberLookup
public struct ChainAssessment: Sendable, Hashable {
    /// The facts, in a box the assessment's copies share until one of them changes a fact
    /// (`CopyOnWrite`, as `CertificateSummary`): the record, the diagnoses and the report
    /// each take a copy of a flow's assessment, a dozen strings and lists. Assessments are
    /// equal, and hash alike, when their facts are.
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// What an assessment says, one property per fact (read and changed as the assessment's
    /// own: `assessment.trusted`).
    public struct Fields: Sendable, Hashable {
        /// The time the chain was judged at: the capture timestamp of the flow.
        public var time: Timestamp
        /// The name checked (SNI, or the server IP as text), if any.
        public var name: String?
        /// One summary per sent certificate, in sent order.
        public var certificates: [CertificateSummary] = []
        /// Per-certificate findings, by position, failures and warnings alike.
        public var findings: [CertificateFinding] = []
        /// How each sent certificate links to its issuer.
        public var links: [ChainLink] = []
        /// The positions from the leaf up, following issuers among the sent certificates.
        public var path: [Int] = []
        /// Whether each certificate's issuer is the next one.
        public var order: ChainOrder = .ordered
        /// The issuer name the chain stops at, when the top of the leaf's path is not self-signed,
        /// its issuer was not sent, and no trust anchor has that name: an intermediate (or a root
        /// unknown here) is missing.
        public var missingIntermediate: String?
        /// The subject of the self-signed certificate the chain ends at, when it is not a trust anchor
        /// (a private or unknown root, or a self-signed leaf).
        public var untrustedRoot: String?
        /// swift-certificates' `Verifier` with `RFC5280Policy` at the capture time built a chain to a
        /// trust anchor: signatures, basic and name constraints and validity all hold.
        public var trusted = false
        /// The same, with validity periods not checked: the chain reaches an anchor and only dates
        /// stand in the way (or nothing does).
        public var trustedIgnoringValidity = false
        /// The subject of the anchor the validated chain ends at.
        public var anchor: String?
        /// The verifier's words when it did not validate the chain.
        public var verifierError: String?
        /// How the name matches the leaf; nil without a name or a readable leaf.
        public var nameMatch: NameMatch?

        @usableFromInline init(time: Timestamp, name: String?) {
            self.time = time
            self.name = name
        }
    }

    /// A fact by name (`assessment.trusted`): read in place, and changed in place once the box
    /// is this value's alone (copied first when shared).
    @inlinable public subscript<Fact>(dynamicMember path: WritableKeyPath<Fields, Fact>) -> Fact {
        _read { yield storage.box.value[keyPath: path] }
        _modify {
            storage.makeUnique()
            yield &storage.box.value[keyPath: path]
        }
    }

    /// An assessment of an empty chain at `time`, to be filled in (for tests of code that reads one).
    public init(time: Timestamp, name: String?) {
        storage = CopyOnWrite(wrappedValue: Fields(time: time, name: name))
    }

    /// Per-certificate findings, by position (`Fields.findings`). Spelled out: the method
    /// below shares its base name, which would hide the dynamic member.
    @inlinable public var findings: [CertificateFinding] {
        _read { yield storage.box.value.findings }
        _modify {
            storage.makeUnique()
            yield &storage.box.value.findings
        }
    }

    /// The findings about one certificate.
    public func findings(at index: Int) -> [CertificateFinding] {
        findings.filter { $0.index == index }
    }
}
