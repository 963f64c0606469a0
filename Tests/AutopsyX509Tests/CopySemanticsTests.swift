import AutopsyPackets
import AutopsyX509
import Testing

/// A summary and an assessment keep their facts in one box their copies share: a change to
/// one copy never shows in another, and equality and hashing read the facts, not the box.
@Suite struct CopySemanticsTests {
    @Test func aSummarysCopyChangesAlone() throws {
        let chain = try TestPKI.chain(leafNames: ["api.example.test"])
        let original = CertificateSummary.summarize(chain.leaf.der)
        var copy = original
        #expect(copy == original && copy.hashValue == original.hashValue)
        copy.subject = "CN=changed"
        copy.sanDNS.append("other.example.test")
        copy.notes.append("a note")
        copy.isCA = true
        #expect(original.subject == "CN=api.example.test,O=Example,C=US")
        #expect(original.sanDNS == ["api.example.test"] && original.notes.isEmpty && !original.isCA)
        #expect(copy.subject == "CN=changed" && copy.sanDNS.count == 2 && copy.notes == ["a note"] && copy.isCA)
        #expect(copy != original)
        // The same certificate summarised twice (two boxes) gives equal summaries that hash alike.
        let twin = CertificateSummary.summarize(chain.leaf.der)
        #expect(twin == original && twin.hashValue == original.hashValue)
        // Changed back fact by fact, the copy equals the original again.
        copy.subject = original.subject
        copy.sanDNS.removeLast()
        copy.notes.removeAll()
        copy.isCA = false
        #expect(copy == original && copy.hashValue == original.hashValue)
    }

    @Test func anAssessmentsCopyChangesAlone() throws {
        let chain = try TestPKI.chain(leafNames: ["api.example.test"])
        var original = ChainAssessment(
            time: Timestamp(seconds: 1_780_000_000, nanoseconds: 0), name: "api.example.test")
        original.certificates = [CertificateSummary.summarize(chain.leaf.der)]
        original.path = [0]
        var copy = original
        #expect(copy == original && copy.hashValue == original.hashValue)
        copy.trusted = true
        copy.name = nil
        copy.certificates[0].issuer = "CN=someone else"
        copy.path.append(1)
        #expect(!original.trusted && original.name == "api.example.test" && original.path == [0])
        #expect(original.certificates[0].issuer == "CN=Test Issuing CA,O=Autopsy Test PKI,C=US")
        #expect(copy.trusted && copy.name == nil && copy.path == [0, 1])
        #expect(copy.certificates[0].issuer == "CN=someone else" && copy != original)
        let empty = ChainAssessment(time: original.time, name: nil)
        #expect(
            empty.certificates.isEmpty && empty.order == .ordered && !empty.trusted && !empty.trustedIgnoringValidity)
    }
}
