import AutopsyFlow
import Testing

/// Counts in the text people read agree with their nouns.
@Suite struct CountedTests {
    @Test func aCountOfOneIsSingular() {
        #expect(counted(1, "successful handshake") == "1 successful handshake")
        #expect(counted(0, "handshake") == "0 handshakes")
        #expect(counted(3, "handshake") == "3 handshakes")
        #expect(counted(UInt64(1), "byte") == "1 byte")
        #expect(counted(Int64(2), "day") == "2 days")
        #expect(counted(2, "analysis", plural: "analyses") == "2 analyses")
        #expect(counted(1, "analysis", plural: "analyses") == "1 analysis")
    }
}
