import AutopsyX509
import Foundation
import SwiftASN1
import Testing

@Suite struct TrustStoreTests {
    private func temporaryFile(_ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("x509-\(UUID().uuidString).pem")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func pem(_ der: [UInt8]) -> String {
        PEMDocument(type: "CERTIFICATE", derBytes: der).pemString
    }

    @Test func systemBundle() throws {
        guard FileManager.default.fileExists(atPath: TrustStore.systemBundlePath) else {
            Issue.record("\(TrustStore.systemBundlePath) is absent: apt-get install ca-certificates")
            return
        }
        let store = try TrustStore.load(systemBundle: true, extraPEMFiles: [])
        #expect(store.count > 100)
        #expect(store.sources == [TrustStore.systemBundlePath])
    }

    @Test func extraFilesOnly() async throws {
        let pki = try TestPKI.chain()
        let other = try TestPKI.root("Second Root")
        let path = try temporaryFile("comment line\n" + pem(pki.root.der) + "\n" + pem(other.der))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try TrustStore.load(systemBundle: false, extraPEMFiles: [path])
        #expect(store.count == 2)
        #expect(store.sources == [path])
        let result = await CertificateChecker(trustStore: store).assess(
            chain: pki.sent, name: "api.example.test", at: TestPKI.captureTime)
        #expect(result.trusted)
    }

    @Test func systemBundlePlusPrivateRoot() async throws {
        guard FileManager.default.fileExists(atPath: TrustStore.systemBundlePath) else { return }
        let pki = try TestPKI.chain()
        let path = try temporaryFile(pem(pki.root.der))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let system = try TrustStore.load(systemBundle: true, extraPEMFiles: [])
        let store = try TrustStore.load(systemBundle: true, extraPEMFiles: [path])
        #expect(store.count == system.count + 1)
        let checker = CertificateChecker(trustStore: store)
        #expect(await checker.assess(chain: pki.sent, name: nil, at: TestPKI.captureTime).trusted)
        let without = await CertificateChecker(trustStore: system).assess(
            chain: pki.sent + [pki.root.der], name: nil, at: TestPKI.captureTime)
        #expect(!without.trusted)
        #expect(without.untrustedRoot == "CN=Test Root CA,O=Autopsy Test PKI,C=US")
    }

    @Test func errorsNameTheFileAndTheProblem() throws {
        let missing = "/nonexistent/dir/roots.pem"
        #expect(throws: TrustStoreError(path: missing, problem: "does not exist")) {
            try TrustStore.load(systemBundle: false, extraPEMFiles: [missing])
        }
        let empty = try temporaryFile("no certificates here\n")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        do {
            _ = try TrustStore.load(systemBundle: false, extraPEMFiles: [empty])
            Issue.record("loaded a file without certificates")
        } catch {
            #expect(error.path == empty)
            #expect(error.problem.contains("no PEM certificate"))
            #expect(error.description.hasPrefix(empty + ": "))
        }
        let malformed = try temporaryFile("-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n")
        defer { try? FileManager.default.removeItem(atPath: malformed) }
        do {
            _ = try TrustStore.load(systemBundle: false, extraPEMFiles: [malformed])
            Issue.record("loaded a malformed PEM block")
        } catch {
            #expect(error.path == malformed)
            #expect(error.problem.contains("malformed PEM certificate at line 1"))
        }
        let unterminated = try temporaryFile("-----BEGIN CERTIFICATE-----\nMIIB\n")
        defer { try? FileManager.default.removeItem(atPath: unterminated) }
        #expect(throws: TrustStoreError.self) {
            try TrustStore.load(systemBundle: false, extraPEMFiles: [unterminated])
        }
    }

    @Test func unusableCertificatesAreSkippedNotFatal() throws {
        let pki = try TestPKI.chain()
        let garbage = PEMDocument(type: "CERTIFICATE", derBytes: [0x30, 0x03, 0x02, 0x01, 0x00]).pemString
        let path = try temporaryFile(garbage + "\n" + pem(pki.root.der))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try TrustStore.load(systemBundle: false, extraPEMFiles: [path])
        #expect(store.count == 1)
        #expect(store.skipped.count == 1)
        #expect(store.skipped.first?.hasPrefix(path + ": certificate 1: ") == true)
    }
}
