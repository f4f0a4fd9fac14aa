import Foundation
@testable import PagewireCore
import Testing

/// A dump of the whole database after storing a known PDF must reveal neither the PDF nor any key.
@Suite("Vault database dump")
struct VaultDumpTests {
    @Test func aDumpContainsNoDocumentBytesAndNoPrivateKeyInClear() async throws {
        try await VaultFixture.with { f in
            // setup: a company with two holders, a session, a rotated key, a managed-mode transit copy
            let (company, admin, _) = try await f.company("Acme")
            let clerk = try await f.user(in: company, name: "clerk", password: "clerk-pw")
            var key = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            try await f.vault.keyring.grant(companyID: company.id, to: clerk, using: key, actor: .user(admin, label: "admin"))
            key = try await f.vault.keyring.rotate(companyID: company.id, using: key, actor: .user(admin, label: "admin"))
            let pdf = VaultFixture.samplePDF(size: 2 * DocumentStore.chunkSize + 4321)
            let doc = try await f.vault.documents.put(
                companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf", bytes: pdf)
            try await f.vault.documents.setMode(.managed, companyID: company.id, using: key, actor: .user(admin, label: "admin"))
            let adminKey = try await f.vault.keyring.unlockUser(userID: admin, password: "admin-pw")
            let token = try await f.vault.sessions.open(adminKey)
            #expect(try await f.vault.documents.read(doc.id, companyID: company.id, reader: .user(key, actor: .user(admin, label: "a"))) == pdf)

            // act
            let plainDump = try dump(f.test.url, hexBlob: false)
            let hexDump = try dump(f.test.url, hexBlob: true)

            // check: the dump is real (it holds the tables and the ciphertext)
            #expect(plainDump.count > pdf.count && hexDump.count > 2 * pdf.count)
            #expect(contains(plainDump, Array("CREATE TABLE `document_chunks`".utf8)))
            // no distinctive piece of the PDF, as bytes or as hex
            let probes = ["%PDF-1.7", "/Type /Catalog", "PATIENT-RECORD-1234", "Jane Roe DOB 1970-01-01", "MRN 4711-", "%%EOF"]
            for probe in probes {
                #expect(!contains(plainDump, Array(probe.utf8)), "\(probe) in the dump")
                #expect(!contains(hexDump, Array(hex(Array(probe.utf8)).utf8)), "\(probe) as hex in the dump")
            }
            for offset in stride(from: 0, to: pdf.count - 32, by: pdf.count / 7) {
                #expect(!contains(hexDump, Array(hex(Array(pdf[offset..<offset + 32])).utf8)), "PDF bytes at \(offset)")
            }
            // no private key, document key or session secret in clear
            var secrets: [[UInt8]] = key.privateKeys.values.map { Array($0.rawRepresentation) }
            secrets.append(Array(adminKey.privateKey.rawRepresentation))
            secrets.append(Array(try await f.vault.keyring.unlockUser(userID: clerk, password: "clerk-pw").privateKey.rawRepresentation))
            let content = try await f.vault.documents.open(doc.id, companyID: company.id, reader: .system(purpose: "test"))
            secrets.append(VaultCipher.bytes(of: content.key))
            let sessionSecret = try #require(VaultSessions.parse(token)).secret
            secrets.append(sessionSecret)
            #expect(secrets.count == 6)
            for secret in secrets {
                #expect(!contains(plainDump, secret))
                #expect(!contains(hexDump, Array(hex(secret).utf8)))
                #expect(!contains(plainDump, Array(Data(secret).base64EncodedString().utf8)))
            }
            #expect(!contains(plainDump, Array(token.utf8)))
        }
    }

    private func dump(_ url: DatabaseURL, hexBlob: Bool) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mariadb-dump")
        process.arguments = ["--no-defaults", "--host=\(url.host)", "--port=\(url.port)", "--user=\(url.user)",
                             "--single-transaction", "--routines", "--triggers"]
            + (hexBlob ? ["--hex-blob"] : []) + [url.database]
        var environment = ProcessInfo.processInfo.environment
        environment["MYSQL_PWD"] = url.password
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Array(data)
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<i + needle.count].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
