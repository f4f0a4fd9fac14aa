import Foundation
import Hummingbird
import PagewireCore

/// `/send`: upload documents or pick stored ones, pick contacts and groups or type numbers, and
/// submit through `FaxScheduler`.
/// The originals go into the vault first; if the scheduler refuses the submission they are
/// deleted again, so nothing half-created stays behind.
struct SendFaxController: Sendable {
    let database: Database
    let renderer: PageRenderer
    let vault: Vault

    /// Media types the renderer takes.
    static let acceptedTypes: [String: String] = [
        "pdf": "application/pdf", "tif": "image/tiff", "tiff": "image/tiff", "png": "image/png", "jpg": "image/jpeg",
        "jpeg": "image/jpeg", "txt": "text/plain", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "odt": "application/vnd.oasis.opendocument.text",
    ]

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/send") { request, context in
            let session = try context.requireSession()
            let q = request.uri.queryParameters
            let to = q["to"].map(String.init) ?? ""
            // Links from the documents and groups pages tick what they name.
            let model = try await SendFaxModel.query(
                session: session, database: database, library: library, recipients: to,
                checkedGroups: Set(q.getAll("group").compactMap { Int64($0) }),
                checkedDocuments: Set(q.getAll("document").compactMap { Int64($0) }))
            return try renderer.render("portal/send", title: "Send fax", page: model, context: context, current: "/send")
        }
        router.post("/send") { request, context in try await submit(request, context) }
    }

    var library: DocumentLibrary { DocumentLibrary(documents: vault.documents) }

    private func submit(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = context.form
        let typed = (form["recipients"] ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // An id that is not a number names nothing: the same 404 as another tenant's id.
        func ids(_ field: String) throws -> Set<Int64> {
            Set(try form.all(field).map { guard let id = Int64($0) else { throw PortalError.notFound }; return id })
        }
        let contactIDs = try ids("contact"), groupIDs = try ids("group"), documentIDs = try ids("document")
        let quality = FaxQuality(rawValue: form["quality"] ?? "fine") ?? .fine
        let cover = form["cover"] == "on"
        let callerID = (form["caller_id"] ?? "").trimmingCharacters(in: .whitespaces)
        let coverTemplate = form["cover_template"].flatMap { $0.isEmpty ? nil : $0 }
        let coverSubject = (form["cover_subject"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let coverMessage = (form["cover_message"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        func again(_ error: String) async throws -> Response {
            let model = try await SendFaxModel.query(
                session: session, database: database, library: library, recipients: form["recipients"] ?? "", checkedContacts: contactIDs,
                checkedGroups: groupIDs, checkedDocuments: documentIDs, quality: quality.rawValue, coverPage: cover, callerID: callerID, error: error,
                coverTemplate: coverTemplate, coverSubject: coverSubject, coverMessage: coverMessage)
            return try renderer.render("portal/send", title: "Send fax", page: model, context: context, current: "/send", status: .badRequest)
        }
        // A number reached twice (typed, a contact, a group member) gets one fax.
        var numbers: [String] = []
        func add(_ number: String) { if !numbers.contains(number) { numbers.append(number) } }
        for text in typed {
            do { add(try E164Number(parsing: text).value) } catch { return try await again("\(text) is not a fax number: \(error.description)") }
        }
        let contacts = ContactRepository(database: database)
        for id in contactIDs.sorted() {
            guard let contact = try await contacts.get(id, scope: session.scope) else { throw PortalError.notFound }
            add(contact.faxNumber)
        }
        for id in groupIDs.sorted() {
            guard let group = try await contacts.group(id, scope: session.scope),
                  let members = try await contacts.members(ofGroup: id, scope: session.scope) else { throw PortalError.notFound }
            guard !members.isEmpty else { return try await again("The group \(group.name) has no members yet.") }
            members.forEach { add($0.faxNumber) }
        }
        guard !numbers.isEmpty else { return try await again("Give at least one recipient: type a number or tick a contact or a group.") }
        var picked: [LibraryDocument] = []
        for id in documentIDs.sorted() {
            guard let entry = try await library.get(id, scope: session.scope) else { throw PortalError.notFound }
            picked.append(entry)
        }
        let files = form.allFiles("files")
        // The level's cover page behaviour may add a cover page unasked, or refuse a fax without documents.
        let withCover: Bool
        do {
            withCover = try await CoverPageCatalog(database: database).decide(
                asked: cover, attachments: files.count + picked.count, message: !coverMessage.isEmpty, forUser: session.user.id)
        } catch let refusal as SubmissionError {
            return try await again(refusal.description)
        }
        guard !files.isEmpty || !picked.isEmpty || withCover else {
            return try await again("Attach at least one document or pick a stored one, or ask for a cover page.")
        }
        var types: [String] = []
        for file in files {
            let ext = (file.filename as NSString).pathExtension.lowercased()
            guard let type = Self.acceptedTypes[ext] else {
                return try await again("\(file.filename): this file type cannot be faxed (PDF, TIFF, PNG, JPEG, text, Word or OpenDocument).")
            }
            types.append(type)
        }
        // The cover page's template must be open to the sender (their level's, or only the assigned one).
        var coverRequest: CoverPageRequest?
        if withCover {
            do {
                let template = try await CoverPageCatalog(database: database).choose(coverTemplate, forUser: session.user.id)
                coverRequest = CoverPageRequest(template: template, subject: coverSubject, message: coverMessage)
            } catch let error as CoverPageError {
                return try await again(error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
            }
            if let problem = coverRequest?.problem { return try await again(problem.prefix(1).uppercased() + problem.dropFirst() + ".") }
        }
        guard let companyID = session.companyID else { return try await again("Only users of a company can send faxes.") }
        var stored: [Int64] = []
        do {
            var coverDocumentID: Int64?
            if let coverRequest {
                let document = try await vault.documents.put(
                    companyID: companyID, accountID: session.account.id, kind: .original, contentType: CoverPageRequest.contentType,
                    bytes: try coverRequest.encoded())
                coverDocumentID = document.id
                stored.append(document.id)
            }
            for (file, type) in zip(files, types) {
                stored.append(try await vault.documents.put(
                    companyID: companyID, accountID: session.account.id, kind: .original, contentType: type, bytes: file.bytes).id)
            }
            // A submission gets its own copy of a stored document: the scheduler releases and retention
            // expires the fax's copy, never the library's.
            for entry in picked {
                let reader = await PortalVaultAccess(vault: vault).reader(
                    request, session: session, companyID: entry.companyID, action: .documentView, ip: context.remoteAddress,
                    purpose: "portal send with library document \(entry.id)")
                stored.append(try await library.copyForFax(entry, accountID: session.account.id, reader: reader).id)
            }
            let ids = try await FaxScheduler(database: database).submit(
                OutboundSubmission(recipients: numbers, callerID: callerID.isEmpty ? nil : callerID, quality: quality,
                                   documentIDs: stored.filter { $0 != coverDocumentID }, coverPage: withCover, coverDocumentID: coverDocumentID),
                userID: session.user.id, scope: session.scope)
            return PageRenderer.redirect(ids.count == 1 ? "/faxes/\(ids[0])" : "/outbox")
        } catch {
            for id in stored {
                try? await vault.documents.delete(id, companyID: companyID, actor: .user(session.user.id, label: session.user.email))
            }
            if let refusal = error as? SubmissionError { return try await again(refusal.description) }
            if case VaultError.noAccess = error {
                return try await again("Your stored documents are locked: sign in again, or ask an administrator to grant you access.")
            }
            if error is VaultError { return try await again("Your company's document vault is not set up yet. Ask your administrator.") }
            throw error
        }
    }
}
