import FaxEngine
import Foundation
import PagewireCore
import Testing

/// Received faxes made the way telephony records them (`InboundFaxes.begin/finish`) with a real
/// TIFF in the vault.
enum ReceivedFaxes {
    /// A multi-page fax TIFF (fine resolution) with a black block on each page, none in the margins.
    static func tiff(pages: Int) throws -> [UInt8] {
        var list: [FaxPage] = []
        for p in 0..<pages {
            var page = FaxPage(height: 2200)
            for y in 1000..<(1000 + 60 * (p + 1)) { for x in 300..<900 { page[x, y] = true } }
            list.append(page)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pw-rx-\(UUID().uuidString).tif")
        defer { try? FileManager.default.removeItem(at: url) }
        try FaxTIFF.write(list, to: url)
        return Array(try Data(contentsOf: url))
    }

    /// Records a reception of `pages` pages for `userID` (or the shared queue "Front desk").
    static func receive(_ f: APIFixture, company: Account? = nil, account: Account? = nil, userID: Int64?, pages: Int, partial: Bool = false,
                        caller: String = "+12065550199", called: String = "+12065550100") async throws -> Int64 {
        let company = company ?? f.companyA
        let account = account ?? f.departmentA
        let inbound = InboundFaxes(database: f.database)
        let id = try await inbound.begin(companyID: company.id, accountID: account.id, userID: userID, queueName: userID == nil ? "Front desk" : nil,
                                         callerNumber: caller, calledNumber: called, worker: "test")
        let document = pages > 0
            ? try await f.vault.documents.put(companyID: company.id, accountID: account.id, kind: .faxTIFF, contentType: "image/tiff", bytes: try tiff(pages: pages))
            : nil
        try await inbound.finish(
            faxID: id, report: AttemptReport(result: pages > 0 ? .ok : .negotiationFailed, pagesSent: pages, remoteCSID: "ACME FAX"),
            pages: pages, partial: partial, document: document)
        return id
    }

    /// Waits until the fax is in one of `states` (polling; generous for loaded machines).
    static func waitForState(_ f: APIFixture, _ id: Int64, _ states: Set<String>, seconds: Int = 90) async throws -> String {
        var state = ""
        for _ in 0..<(seconds * 5) {
            state = try await f.database.query("SELECT state FROM faxes WHERE id = ?", id)[0].get("state")
            if states.contains(state) { return state }
            try await Task.sleep(for: .milliseconds(200))
        }
        return state
    }

    static func events(_ f: APIFixture, _ id: Int64) async throws -> [(type: String, target: String?, status: String)] {
        try await f.database.query("SELECT type, target, status FROM fax_events WHERE fax_id = ? ORDER BY id", id).map {
            (try $0.get("type"), try $0.optional("target"), try $0.get("status"))
        }
    }

    /// Pages in a PDF (see `MailAttachments.pdfPageCount`).
    static func pdfPageCount(_ bytes: [UInt8]) -> Int { MailAttachments.pdfPageCount(bytes) }

    /// Black pixels in the first `rows` rows of page `index` of a TIFF.
    static func blackPixelsAtTop(_ tiff: [UInt8], page index: Int, rows: Int) throws -> Int {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pw-chk-\(UUID().uuidString).tif")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(tiff).write(to: url)
        let page = try FaxTIFF.readPages(url)[index]
        return page.bits[0..<(rows * page.bytesPerRow)].reduce(0) { $0 + $1.nonzeroBitCount }
    }

    static func pageCount(tiff: [UInt8]) throws -> Int {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pw-chk-\(UUID().uuidString).tif")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(tiff).write(to: url)
        return try FaxTIFF.readPages(url).count
    }
}

/// The attachments of a MIME message as the SMTP sink stored it: file name → decoded bytes.
/// The attachments of a stored message (see `MailAttachments.parse`).
enum MIMEAttachments {
    static func parse(_ data: String) -> [String: [UInt8]] { MailAttachments.parse(data) }
}

/// Runs a helper script from scripts/lib with the test venv's Python; it writes its port to DIRECTORY/port.
final class ScriptPeer: @unchecked Sendable {
    let directory: String
    let process: Process
    let port: Int

    init(script: String, arguments: (String) -> [String], directory given: String? = nil) throws {
        directory = given ?? NSTemporaryDirectory() + "pw-peer-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let python = ProcessInfo.processInfo.environment["PAGEWIRE_TEST_PYTHON"] ?? TestDatabase.repositoryRoot + "/var/venv-test/bin/python"
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestDatabase.repositoryRoot + "/scripts/lib/" + script] + arguments(directory)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var found: Int?
        for _ in 0..<300 {
            if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8), let n = Int(text) { found = n; break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let port = found else { process.terminate(); throw CocoaError(.fileReadCorruptFile) }
        self.port = port
    }

    func stop() {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}

/// Runs a command and returns its standard output; fails the test on a non-zero exit.
@discardableResult
func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
    let run = try CommandRun.run(executable, arguments, input: input)
    #expect(run.status == 0, "\(executable) \(arguments.joined(separator: " ")): \(run.output)")
    return run.output
}

/// A real OpenSSH sshd (inetd mode behind scripts/lib/sshd_inetd.py) on a kernel-chosen loopback
/// port, with its own ed25519 host key, a password user `pwsftp` and that user's client key.
final class SFTPServer: @unchecked Sendable {
    static let user = "pwsftp"
    static let password = "sftp-Secret-1"
    let directory: String
    let inbox: String
    let peer: ScriptPeer
    let hostKeySHA256: String
    let clientPrivateKey: String

    init() throws {
        directory = "/tmp/pw-sftp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        inbox = directory + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        // The user sshd authenticates (created once per machine; the password is set every time).
        if getpwnam(Self.user) == nil {
            try run("/usr/sbin/useradd", ["-M", "-d", "/nonexistent", "-s", "/bin/sh", Self.user])
        }
        try run("/usr/sbin/chpasswd", [], input: "\(Self.user):\(Self.password)\n")
        try run("/usr/bin/chown", [Self.user, inbox])
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/host_ed25519"])
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/client_ed25519"])
        try FileManager.default.copyItem(atPath: directory + "/client_ed25519.pub", toPath: directory + "/authorized_keys")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory + "/authorized_keys")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        clientPrivateKey = try String(contentsOfFile: directory + "/client_ed25519", encoding: .utf8)
        let fingerprint = try run("/usr/bin/ssh-keygen", ["-lf", directory + "/host_ed25519.pub"])
        hostKeySHA256 = fingerprint.split(separator: " ").map(String.init).first(where: { $0.hasPrefix("SHA256:") }) ?? ""
        let config = """
            HostKey \(directory)/host_ed25519
            PidFile none
            UsePAM no
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            AuthorizedKeysFile \(directory)/authorized_keys
            StrictModes no
            PermitRootLogin no
            Subsystem sftp internal-sftp
            LogLevel VERBOSE
            Match User \(Self.user)
                ForceCommand internal-sftp
            """
        try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
        let dir = directory
        peer = try ScriptPeer(script: "sshd_inetd.py", arguments: { run in [run, dir + "/sshd_config"] }, directory: directory + "/run")
    }

    var port: Int { peer.port }

    /// Files under the inbox (relative paths), sorted.
    func files(under sub: String = "") -> [String] {
        let base = inbox + (sub.isEmpty ? "" : "/" + sub)
        return ((try? FileManager.default.subpathsOfDirectory(atPath: base)) ?? []).sorted()
    }

    func stop() {
        peer.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A self-signed certificate for 127.0.0.1 (the test trusts it through `inbound.https_ca_file`).
struct TestCertificate {
    let certificate: String
    let key: String

    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        certificate = directory + "/cert.pem"
        key = directory + "/key.pem"
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                                     "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                                     "-keyout", key, "-out", certificate])
    }
}
