import Foundation
import Hummingbird
import PagewireCore

extension FaxesController {
    /// `POST /v1/faxes`: checks the request, stores the files in the vault, submits one fax per
    /// recipient and answers 202 at once; rendering and sending happen in the background.
    @Sendable func submit(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let companyID = principal.companyID else {
            throw Problem("forbidden", status: .forbidden, title: "Forbidden", detail: "only users of a company can send faxes")
        }
        let key = try Self.idempotencyKey(request)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw Problem("body-too-large", status: .contentTooLarge, title: "Request body too large",
                          detail: "the request body exceeds the limit of \(maxBodyBytes) bytes")
        }
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let contentType = request.headers[.contentType] ?? ""
        let input: FaxSubmissionRequest
        if contentType.lowercased().hasPrefix("application/json") {
            input = try APIJSON.decoder.decode(FaxSubmissionRequest.self, from: Data(body.readableBytesView))
        } else if let boundary = MultipartFormData.boundary(fromContentType: contentType) {
            let form: MultipartFormData
            do { form = try MultipartFormData(body: Array(buffer: body), boundary: boundary) } catch let error as MultipartFormData.ParseError {
                throw Problem.malformed(error.description)
            }
            input = try FaxSubmissionRequest(multipart: form)
        } else {
            throw Problem("unsupported-media-type", status: .unsupportedMediaType, title: "Unsupported media type",
                          detail: "send application/json or multipart/form-data")
        }
        var checked = try input.checked(idempotencyKey: key)
        // The sender's level decides whether there is a cover page (its behaviour) and which
        // templates are open (uploaded ones, restrict to assigned).
        let catalog = CoverPageCatalog(database: scheduler.database)
        let withCover = try await catalog.decide(
            asked: checked.cover != nil, attachments: checked.files.count + checked.documentIDs.count,
            message: !(checked.cover?.message ?? "").isEmpty, forUser: principal.userID)
        if withCover {
            var cover = checked.cover ?? CoverPageRequest()
            do {
                cover.template = try await catalog.choose(input.coverPage?.template, forUser: principal.userID)
            } catch let error as CoverPageError {
                throw Problem.invalid(error.description, field: "cover_page.template")
            }
            checked.cover = cover
        } else {
            checked.cover = nil
        }
        checked.submission.coverPage = withCover
        checked.submission.recipients = try await resolve(checked.recipients, scope: principal.scope)

        // A repeat is answered from the first submission before anything is stored again.
        if let key {
            let earlier = try await faxes.idempotentSubmission(userID: principal.userID, key: key)
            if !earlier.ids.isEmpty {
                guard earlier.hashes == [checked.submission.requestHash] else {
                    throw Problem.conflict("idempotency-conflict", SubmissionError.idempotencyConflict.description)
                }
                return try await accepted(earlier.ids, scope: principal.scope, replayed: true)
            }
        }
        for id in checked.documentIDs {
            let info = try await documents.info(id, companyID: companyID)
            guard info.kind == .original else { throw Problem.invalid("document \(id) is not an uploaded document", field: "document_ids") }
            // A documents-library entry is sealed for its company's key holders only: the system could not render it.
            guard try await !DocumentLibrary(documents: documents).isLibraryCopy(documentID: id) else {
                throw Problem.invalid("document \(id) belongs to the documents library, which the platform cannot read; "
                                      + "send it from the portal's Send page or upload the file", field: "document_ids")
            }
        }
        var stored: [Int64] = []
        do {
            for file in checked.files {
                let document = try await documents.put(
                    companyID: companyID, accountID: principal.accountID, kind: .original, contentType: file.contentType, bytes: file.bytes)
                stored.append(document.id)
            }
            checked.submission.documentIDs = stored + checked.documentIDs
            if let cover = checked.cover {
                let document = try await documents.put(
                    companyID: companyID, accountID: principal.accountID, kind: .original, contentType: CoverPageRequest.contentType,
                    bytes: try cover.encoded())
                stored.append(document.id)
                checked.submission.coverDocumentID = document.id
            }
            let ids = try await scheduler.submit(checked.submission, userID: principal.userID, scope: principal.scope)
            // A concurrent repeat under the same key won the race: its faxes stand, our copies go.
            var ours = true
            if let first = stored.first { ours = try await faxes.uses(faxID: ids[0], documentID: first) }
            if !ours { await discard(stored, companyID: companyID, context: context) }
            return try await accepted(ids, scope: principal.scope, replayed: !ours)
        } catch {
            await discard(stored, companyID: companyID, context: context)
            throw error
        }
    }

    /// `POST /v1/faxes/{id}/resend`: a new fax with copies of the originals and cover page, to the
    /// same number or to `recipient`.
    @Sendable func resend(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let detail = try await faxes.detail(try Self.id(context), scope: principal.scope) else { throw Problem.notFound("no such fax") }
        guard detail.fax.direction == "outbound" else { throw Problem.conflict("not-outbound", "only outbound faxes can be resent") }
        let body = try await request.body.collect(upTo: 64 * 1024)
        let input = body.readableBytes == 0 ? ResendRequest() : try APIJSON.decoder.decode(ResendRequest.self, from: Data(body.readableBytesView))
        let originals = detail.documents.filter { $0.role == "original" }
        var stored: [Int64] = []
        do {
            for original in originals {
                let bytes = try await documents.read(original.documentID, companyID: detail.fax.companyID, reader: .system(purpose: "api resend"))
                let copy = try await documents.put(
                    companyID: detail.fax.companyID, accountID: principal.accountID, kind: .original, contentType: original.contentType, bytes: bytes)
                stored.append(copy.id)
            }
            var coverCopy: Int64?
            if let cover = detail.documents.first(where: { $0.role == "cover" }) {
                let bytes = try await documents.read(cover.documentID, companyID: detail.fax.companyID, reader: .system(purpose: "api resend"))
                let copy = try await documents.put(
                    companyID: detail.fax.companyID, accountID: principal.accountID, kind: .original, contentType: cover.contentType, bytes: bytes)
                coverCopy = copy.id
                stored.append(copy.id)
            }
            let submission = OutboundSubmission(
                recipients: [input.recipient ?? detail.fax.remoteNumber], callerID: detail.fax.callerID, quality: detail.fax.quality,
                documentIDs: stored.filter { $0 != coverCopy }, coverDocumentID: coverCopy)
            let ids = try await scheduler.submit(submission, userID: principal.userID, scope: principal.scope)
            return try await accepted(ids, scope: principal.scope, replayed: false)
        } catch {
            await discard(stored, companyID: detail.fax.companyID, context: context)
            throw error
        }
    }

    private func accepted(_ ids: [Int64], scope: AccountScope, replayed: Bool) async throws -> Response {
        let items = try await faxes.summaries(ids, scope: scope).map {
            SubmissionAccepted.Item(id: $0.id, remoteNumber: $0.remoteNumber, status: $0.state.rawValue)
        }
        var headers: HTTPFields = [:]
        if replayed { headers[.idempotentReplayed] = "true" }
        if ids.count == 1 { headers[.location] = "/v1/faxes/\(ids[0])" }
        return try APIJSON.response(SubmissionAccepted(faxes: items), status: .accepted, headers: headers)
    }

    /// Deletes documents stored for a submission that was refused (nothing half-created).
    private func discard(_ ids: [Int64], companyID: Int64, context: APIRequestContext) async {
        for id in ids {
            do { try await documents.delete(id, companyID: companyID, actor: .system("api: submission refused")) } catch {
                context.logger.warning("could not delete document \(id) of a refused submission: \(error)")
            }
        }
    }

    /// Numbers for the recipients as given: contacts and groups inside the caller's scope give
    /// their fax numbers (a number reached twice is called once); one outside it is refused
    /// before anything is stored.
    func resolve(_ recipients: [FaxSubmissionRequest.Recipient], scope: AccountScope) async throws -> [String] {
        let contacts = ContactRepository(database: faxes.database)
        var numbers: [String] = []
        var fromContacts = Set<String>()
        func add(_ contact: Contact) {
            if fromContacts.insert(contact.faxNumber).inserted, !numbers.contains(contact.faxNumber) { numbers.append(contact.faxNumber) }
        }
        for (index, recipient) in recipients.enumerated() {
            switch recipient {
            case .number(let text):
                numbers.append(text)
            case .contact(let id):
                guard let contact = try await contacts.get(id, scope: scope) else {
                    throw Problem.invalid("contact \(id) does not exist in your account", field: "recipients[\(index)].contact_id")
                }
                add(contact)
            case .group(let id):
                guard let members = try await contacts.members(ofGroup: id, scope: scope) else {
                    throw Problem.invalid("contact group \(id) does not exist in your account", field: "recipients[\(index)].group_id")
                }
                guard !members.isEmpty else { throw Problem.invalid("contact group \(id) has no members", field: "recipients[\(index)].group_id") }
                members.forEach(add)
            }
        }
        guard numbers.count <= 100 else { throw Problem.refused(.limitExceeded, "at most 100 recipients per request (\(numbers.count) with the groups' members)") }
        return numbers
    }

    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard !key.isEmpty, key.count <= 191, key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value < 0x7F }) else {
            throw Problem.invalid("Idempotency-Key has 1 to 191 visible ASCII characters", field: "Idempotency-Key")
        }
        return key
    }
}

