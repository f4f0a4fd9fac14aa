import Foundation
import PagewireCore

/// The body of `POST /v1/faxes`, from JSON or from `multipart/form-data` (same field names,
/// files as parts with a filename).
struct FaxSubmissionRequest: Decodable {
    var recipients: [Recipient]
    var callerId: String?
    var quality: String?
    var files: [InlineFile]?
    var documentIds: [Int64]?
    var coverPage: CoverPage?
    var retry: Retry?
    var scheduledAt: Date?

    /// A phone number, or `{"contact_id": N}`, or `{"group_id": N}` (every member of the group).
    enum Recipient: Decodable, Equatable {
        case number(String)
        case contact(Int64)
        case group(Int64)

        // APIJSON converts snake_case keys: `contact_id` arrives as `contactId`.
        private enum Keys: String, CodingKey { case contactId, groupId }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self = .number(text)
                return
            }
            let c = try decoder.container(keyedBy: Keys.self)
            switch (try c.decodeIfPresent(Int64.self, forKey: .contactId), try c.decodeIfPresent(Int64.self, forKey: .groupId)) {
            case (let id?, nil): self = .contact(id)
            case (nil, let id?): self = .group(id)
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                    debugDescription: "a recipient is a phone number, {\"contact_id\": N} or {\"group_id\": N}"))
            }
        }
    }

    struct InlineFile: Decodable {
        var filename: String?
        var contentType: String?
        /// Base64 of the file's bytes (JSON only; multipart carries bytes as they are).
        var contentBase64: String?
        /// Filled from `contentBase64` or from a multipart part.
        var bytes: [UInt8]?
    }

    struct CoverPage: Decodable {
        var template: String?
        var subject: String?
        var message: String?
        var recipientName: String?
    }

    struct Retry: Decodable {
        var attempts: Int
        var intervalSeconds: Int
    }

    init(recipients: [String]) {
        self.recipients = recipients.map(Recipient.number)
    }

    /// Reads the fields of a multipart form.
    init(multipart form: MultipartFormData) throws {
        recipients = []
        var cover = CoverPage()
        var hasCover = false
        var retryAttempts: Int?
        var retryInterval: Int?
        for part in form.parts {
            if part.filename != nil {
                files = (files ?? []) + [InlineFile(filename: part.filename, contentType: part.contentType, bytes: part.bytes)]
                continue
            }
            let text = part.text.trimmingCharacters(in: .whitespacesAndNewlines)
            switch part.name {
            case "recipients", "recipients[]", "to":
                recipients += text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map(Recipient.number)
            case "contact_ids", "contact_ids[]", "group_ids", "group_ids[]":
                for piece in text.split(separator: ",") {
                    guard let id = Int64(piece.trimmingCharacters(in: .whitespaces)) else { throw Problem.invalid("\(part.name) must be numbers", field: part.name) }
                    recipients.append(part.name.hasPrefix("contact") ? .contact(id) : .group(id))
                }
            case "caller_id": callerId = text
            case "quality": quality = text
            case "document_ids", "document_ids[]":
                for piece in text.split(separator: ",") {
                    guard let id = Int64(piece.trimmingCharacters(in: .whitespaces)) else { throw Problem.invalid("document_ids must be numbers", field: "document_ids") }
                    documentIds = (documentIds ?? []) + [id]
                }
            case "scheduled_at":
                guard let date = ISO8601DateFormatter().date(from: text) else { throw Problem.invalid("scheduled_at must be an RFC 3339 time", field: "scheduled_at") }
                scheduledAt = date
            case "retry_attempts":
                guard let n = Int(text) else { throw Problem.invalid("retry_attempts must be a whole number", field: "retry_attempts") }
                retryAttempts = n
            case "retry_interval_seconds":
                guard let n = Int(text) else { throw Problem.invalid("retry_interval_seconds must be a whole number", field: "retry_interval_seconds") }
                retryInterval = n
            case "cover_template": cover.template = text; hasCover = true
            case "cover_subject": cover.subject = text; hasCover = true
            case "cover_message": cover.message = text; hasCover = true
            case "cover_recipient_name": cover.recipientName = text; hasCover = true
            default:
                throw Problem.invalid("unknown form field '\(part.name)'", field: part.name)
            }
        }
        if hasCover { coverPage = cover }
        switch (retryAttempts, retryInterval) {
        case (nil, nil): break
        case (let a?, let i?): retry = Retry(attempts: a, intervalSeconds: i)
        default: throw Problem.invalid("give both retry_attempts and retry_interval_seconds", field: "retry_attempts")
        }
    }

    /// A validated submission: the files to store and everything the scheduler needs.
    struct Checked {
        var files: [(filename: String?, contentType: String, bytes: [UInt8])]
        var documentIDs: [Int64]
        /// The cover page's words, stored in the vault beside the files.
        var cover: CoverPageRequest?
        /// As given; `FaxesController.resolve` turns contacts and groups into numbers.
        var recipients: [Recipient]
        var submission: OutboundSubmission
    }

    /// Checks every field and computes the request fingerprint; a refusal names the field.
    func checked(idempotencyKey: String?) throws -> Checked {
        var fingerprint = SubmissionFingerprint()
        guard !recipients.isEmpty else { throw Problem.refused(.invalidNumber, "give at least one recipient") }
        guard recipients.count <= 100 else { throw Problem.refused(.limitExceeded, "at most 100 recipients per request") }
        for r in recipients {
            switch r {
            case .number(let n): fingerprint.add("recipient", n)
            case .contact(let id): fingerprint.add("recipient.contact", String(id))
            case .group(let id): fingerprint.add("recipient.group", String(id))
            }
        }
        var quality = FaxQuality.fine
        if let text = self.quality {
            guard let q = FaxQuality(rawValue: text) else { throw Problem.invalid("quality is one of standard, fine, superfine", field: "quality") }
            quality = q
        }
        fingerprint.add("quality", quality.rawValue)
        var callerID: String?
        if let text = self.callerId, !text.isEmpty {
            guard let number = try? E164Number(parsing: text) else { throw Problem.invalid("caller_id is not a valid phone number", field: "caller_id") }
            callerID = number.value
            fingerprint.add("caller_id", number.value)
        }
        var files: [(filename: String?, contentType: String, bytes: [UInt8])] = []
        for (i, file) in (self.files ?? []).enumerated() {
            var bytes = file.bytes
            if bytes == nil, let b64 = file.contentBase64 {
                guard let data = Data(base64Encoded: b64, options: .ignoreUnknownCharacters) else {
                    throw Problem.invalid("files[\(i)].content_base64 is not base64", field: "files[\(i)].content_base64")
                }
                bytes = Array(data)
            }
            guard let bytes, !bytes.isEmpty else { throw Problem.refused(.invalidAttachment, "file \(i + 1) is empty") }
            guard let type = AttachmentSniffer.mediaType(of: bytes, filename: file.filename) else {
                throw Problem.refused(.invalidAttachment, "file \(i + 1)\(file.filename.map { " (\($0))" } ?? "") is not a PDF, TIFF, image, office document or plain text")
            }
            files.append((file.filename, type, bytes))
            fingerprint.add("file", bytes)
        }
        let documentIDs = documentIds ?? []
        guard documentIDs.count + files.count <= 20 else { throw Problem.invalid("at most 20 documents per fax", field: "files") }
        for id in documentIDs { fingerprint.add("document_id", String(id)) }
        var cover: CoverPageRequest?
        if let c = coverPage {
            let request = CoverPageRequest(template: c.template ?? "plain", subject: c.subject, message: c.message, recipientName: c.recipientName)
            if let problem = request.problem { throw Problem.invalid(problem, field: "cover_page") }
            cover = request
            fingerprint.add("cover", [request.template, request.subject ?? "", request.message ?? "", request.recipientName ?? ""].joined(separator: "\u{0}"))
        }
        if files.isEmpty && documentIDs.isEmpty && cover == nil {
            throw Problem.refused(.noAttachment, "attach at least one file or stored document, or ask for a cover page")
        }
        var retryPolicy: RetryPolicy?
        if let retry {
            guard (1...10).contains(retry.attempts) else { throw Problem.invalid("retry.attempts is between 1 and 10", field: "retry.attempts") }
            guard (60...86_400).contains(retry.intervalSeconds) else {
                throw Problem.invalid("retry.interval_seconds is between 60 and 86400", field: "retry.interval_seconds")
            }
            retryPolicy = RetryPolicy(attempts: retry.attempts, intervalSeconds: retry.intervalSeconds)
            fingerprint.add("retry", "\(retry.attempts)/\(retry.intervalSeconds)")
        }
        if let scheduledAt {
            guard scheduledAt < Date().addingTimeInterval(90 * 86_400) else { throw Problem.invalid("scheduled_at is at most 90 days ahead", field: "scheduled_at") }
            fingerprint.add("scheduled_at", String(scheduledAt.timeIntervalSince1970))
        }
        let submission = OutboundSubmission(
            recipients: [], callerID: callerID, quality: quality, documentIDs: [], coverPage: cover != nil,
            retryOverride: retryPolicy, scheduledAt: scheduledAt, idempotencyKey: idempotencyKey, requestHash: fingerprint.hex)
        return Checked(files: files, documentIDs: documentIDs, cover: cover, recipients: recipients, submission: submission)
    }
}
