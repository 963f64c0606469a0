import AutopsyFlow
import AutopsyTestSupport
import Testing

@testable import AutopsyEngine

/// A server's chain recurs flow after flow: on one thread, every flow that received the same
/// certificate holds the same array (one buffer, kept by `RecentCertificates`), so its bytes
/// are stored once and compared at once by the summaries and the chain check.
@Suite struct CertificateSharingTests {
    @Test func flowsThatReceivedOneCertificateHoldOneBuffer() throws {
        let path = TestPaths.fixtures.appendingPathComponent("captures/pattern_legacy_ciphers_20_clients.pcap").path
        var options = AnalysisOptions()
        options.systemTrust = false
        let analyzer = Analyzer(options: options)
        var certificates: [[UInt8]] = []
        try analyzer.analyze(path: path) { record in certificates += record.serverCertificates }
        var buffers: [[UInt8]: Set<UInt>] = [:]
        for der in certificates {
            let address = der.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
            buffers[der, default: []].insert(address)
        }
        #expect(certificates.count >= 4, "the capture's handshakes carry certificates")
        #expect(buffers.count < certificates.count, "some certificate recurs")
        for (der, addresses) in buffers {
            #expect(addresses.count == 1, "\(der.count) bytes in \(addresses.count) buffers")
        }
    }
}
