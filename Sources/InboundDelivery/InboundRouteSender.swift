import Foundation
import PagewireCore

/// Sends one route of one delivery: e-mail through the SMTP relay, an SFTP upload, or a signed
/// multipart HTTPS POST (all through libcurl). Throws when the target refuses or cannot be
/// reached; the caller records the try and the queue retries.
public struct InboundRouteSender: Sendable {
    /// What the senders need from the configuration.
    public struct Settings: Sendable {
        /// The SMTP relay fax-to-email goes through (nil: e-mail routes fail until one is set).
        public var relay: FaxNotifier.Relay?
        /// Trusted certificate authorities for HTTPS targets (PEM); nil uses the system's.
        public var caFile: String?
        /// Whether HTTPS targets may be loopback or private addresses.
        public var allowPrivateTargets: Bool
        /// The platform transit keys that seal SFTP and HTTPS credentials in settings (`SettingSecret`).
        public var transit: TransitKeyring

        public init(relay: FaxNotifier.Relay?, caFile: String?, allowPrivateTargets: Bool, transit: TransitKeyring) {
            self.relay = relay
            self.caFile = caFile
            self.allowPrivateTargets = allowPrivateTargets
            self.transit = transit
        }
    }

    /// A failed send, in words fit for the event log (no credentials).
    public struct SendError: Error, CustomStringConvertible {
        public let description: String
    }

    public let settings: Settings
    public let preparer: InboundFilePreparer
    let brand: @Sendable (InboundFax) async throws -> String

    public init(settings: Settings, preparer: InboundFilePreparer, brand: @escaping @Sendable (InboundFax) async throws -> String) {
        self.settings = settings
        self.preparer = preparer
        self.brand = brand
    }

    /// Sends `job`; returns a short description of what was delivered.
    public func send(_ job: InboundDeliveryJob, now: Date = Date()) async throws -> String {
        let fax = job.fax
        let options = job.config.options
        switch job.config.route {
        case .api:
            return "available to the inbound API"
        case .email, .archiveEmail:
            guard let relay = settings.relay else { throw SendError(description: "no SMTP relay is configured (mail.smtp_url)") }
            guard let address = job.config.address else { throw SendError(description: "no address") }
            let files = try await preparer.files(fax: fax, options: options, baseName: InboundTokens.fileName("fax-{date}-{time}-{fax_id}", fax: fax, options: options))
            let brandName = try await brand(fax)
            let (subject, body) = InboundMailMessage.subjectAndBody(fax: fax, options: options, brand: brandName)
            let domain = relay.from.split(separator: "@").last.map(String.init) ?? "pagewire.local"
            let message = InboundMailMessage(
                from: relay.from, fromName: "\(brandName) Fax", to: address, subject: subject,
                messageID: "<fax-\(fax.id)-in-\(job.deliveryID)@\(domain)>", date: now, body: body, files: files)
            do {
                try await Curl.sendMail(url: relay.url, from: relay.from, recipients: [address], message: message.rfc5322,
                                        username: relay.username, password: relay.password)
            } catch let error as CurlError {
                throw SendError(description: "e-mail to \(address): \(error.description)")
            }
            return "e-mailed with \(files.count) file(s)"
        case .sftp, .archiveSFTP:
            guard let stored = job.config.sftp else { throw SendError(description: "no SFTP target") }
            let target: InboundSFTPTarget
            do {
                target = try stored.opened(as: job.config.route == .sftp ? "inbound.sftp" : "archive.sftp", transit: settings.transit)
            } catch {
                throw SendError(description: "SFTP to \(stored.displayTarget): \(error.description)")
            }
            let base = InboundTokens.fileName(target.fileNameTemplate, fax: fax, options: options)
            let files = try await preparer.files(fax: fax, options: options, baseName: base)
            var keyFile: String?
            defer { if let keyFile { try? FileManager.default.removeItem(atPath: keyFile) } }
            let credential: Curl.SSHCredential
            if let password = target.password, !password.isEmpty {
                credential = .password(password)
            } else if !target.hasPrivateKey {
                throw SendError(description: "the SFTP settings changed since this delivery began (no credentials for \(target.displayTarget)); resubmit the fax")
            } else {
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("pw-sftp-key-" + UUID().uuidString).path
                guard FileManager.default.createFile(atPath: path, contents: Data((target.privateKey ?? "").utf8), attributes: [.posixPermissions: 0o600])
                else { throw SendError(description: "cannot write the key file") }
                keyFile = path
                credential = .privateKeyFile(path)
            }
            let fingerprint = String(target.hostKeySHA256.dropFirst("SHA256:".count))
            for file in files {
                do {
                    try await Curl.sftpUpload(
                        host: target.host, port: target.port, username: target.username, credential: credential,
                        hostKeySHA256: fingerprint, directory: target.directory, fileName: file.name, bytes: file.bytes)
                } catch let error as CurlError {
                    throw SendError(description: "SFTP upload of \(file.name) to \(target.displayTarget): \(error.description)")
                }
            }
            return "uploaded \(files.map(\.name).joined(separator: ", "))"
        case .https:
            guard let stored = job.config.https else { throw SendError(description: "no HTTPS target") }
            let target: InboundHTTPSTarget
            do {
                target = try stored.opened(as: "inbound.https", transit: settings.transit)
            } catch {
                throw SendError(description: "POST to \(job.config.target): \(error.description)")
            }
            guard !target.secret.isEmpty else {
                throw SendError(description: "the HTTPS settings changed since this delivery began (no signing secret for \(job.config.target)); resubmit the fax")
            }
            let checked: WebhookTargetPolicy.Target
            do {
                checked = try await WebhookTargetPolicy.check(target.url, allowPrivate: settings.allowPrivateTargets)
            } catch {
                throw SendError(description: "\(error)")
            }
            let files = try await preparer.files(fax: fax, options: options, baseName: InboundTokens.fileName("fax-{date}-{time}-{fax_id}", fax: fax, options: options))
            var metadataOptions = options
            metadataOptions.metadata = .json
            let metadata = InboundMetadata(fax: fax, options: metadataOptions).render(.json) ?? []
            let boundary = "pagewire-" + UUID().uuidString
            var body: [UInt8] = []
            func part(_ name: String, filename: String?, type: String, bytes: [UInt8]) {
                var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
                if let filename { head += "; filename=\"\(filename)\"" }
                head += "\r\nContent-Type: \(type)\r\n\r\n"
                body += Array(head.utf8) + bytes + Array("\r\n".utf8)
            }
            part("metadata", filename: nil, type: "application/json", bytes: metadata)
            for file in files where !(file.contentType.contains("json") || file.contentType.contains("xml")) {
                part("document", filename: file.name, type: file.contentType, bytes: file.bytes)
            }
            body += Array("--\(boundary)--\r\n".utf8)
            let timestamp = Int(now.timeIntervalSince1970)
            let headers = [
                "Content-Type: multipart/form-data; boundary=\(boundary)",
                "User-Agent: Pagewire-Inbound/1",
                "Pagewire-Event: fax.inbound",
                "Pagewire-Delivery: \(job.deliveryID)",
                "\(WebhookSignature.headerName): \(WebhookSignature.header(secret: target.secret, timestamp: timestamp, body: body))",
            ]
            let response: Curl.HTTPResponse
            do {
                response = try await Curl.post(url: target.url, headers: headers, body: body, pinnedAddress: (checked.host, checked.port, checked.address),
                                               timeoutSeconds: 60, caFile: settings.caFile)
            } catch let error as CurlError {
                throw SendError(description: "POST to \(job.config.target): \(error.description)")
            }
            guard (200..<300).contains(response.status) else { throw SendError(description: "\(job.config.target) answered \(response.status)") }
            return "POSTed, answer \(response.status)"
        }
    }
}
