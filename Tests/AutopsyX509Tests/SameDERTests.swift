import Testing

@testable import AutopsyX509

/// Certificates compared as bytes (the recent-chain and summary caches).
@Suite struct SameDERTests {
    @Test func sameOnlyWhenEveryByteAndTheLengthAgree() {
        let der: [UInt8] = Array(0...255) + Array(0...255)
        var changed = der
        changed[511] ^= 1
        #expect(CertificateSummary.sameDER(der, Array(der)))
        #expect(!CertificateSummary.sameDER(der, changed))
        #expect(!CertificateSummary.sameDER(der, Array(der.dropLast())))
        #expect(CertificateSummary.sameDER([], []))
        #expect(!CertificateSummary.sameDER([], [0]))
    }

    /// One array compared with itself (a certificate kept by `RecentCertificates` and met
    /// again) is the same at once; a copy is compared byte by byte.
    @Test func oneBufferIsTheSameCertificate() {
        let der: [UInt8] = Array(0...200)
        let shared = der
        var copy = der
        copy[0] = 0
        #expect(CertificateSummary.sameDER(der, shared))
        #expect(CertificateSummary.sameDER(der, copy))
        copy[200] ^= 1
        #expect(!CertificateSummary.sameDER(der, copy))
    }
}
