import Foundation
import Hummingbird
import PagewireCore

/// `/porting`: port requests as customers know them from Concord and eComFax — a guided form
/// with a summary to confirm, documents (CSR, bill), the Letter of Authorization generated from
/// the request and signed in the portal, submission, tracking by state, and a notes thread with
/// the porting team, who move requests on from the same pages.
struct PortingController: Sendable {
    let database: Database
    let renderer: PageRenderer
    let vault: Vault

    var ports: PortRequestRepository { PortRequestRepository(database: database) }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/porting") { request, context in
            let (session, access) = try await require(context)
            let state = request.uri.queryParameters["state"].flatMap { PortRequest.State(rawValue: String($0)) }
            let format = try await DisplayFormat.forUser(session, settings: SettingsRepository(database: database))
            let rows = try await ports.list(scope: access.scope, state: state).map { r in
                PortingListModel.Row(
                    id: r.id, trackingID: r.trackingID, businessName: r.details.businessName,
                    numbers: r.details.numbers.count == 1 ? r.details.numbers[0] : "\(r.details.numbers.count) numbers",
                    created: format.date(r.createdAt), foc: r.focDate ?? "", completed: r.completedAt.map(format.date) ?? "",
                    status: r.state.title, statusClass: r.state.rawValue)
            }
            let model = PortingListModel(rows: rows, hasRows: !rows.isEmpty, isStaff: access.isStaff, canRequest: !access.isStaff,
                                         stateFilter: state?.rawValue ?? "")
            return try renderer.render("portal/porting", title: "Number porting", page: model, context: context, current: "/porting")
        }
        router.get("/porting/new") { _, context in
            let (session, access) = try await require(context, customer: true)
            let blank = PortRequestDetails(contactName: session.user.displayName, contactEmail: session.user.email, numbers: [],
                                           businessName: "", serviceAddresses: [])
            return try await form(blank, action: "/porting/review", heading: "New port request", access: access, context: context)
        }
        router.post("/porting/review") { _, context in
            let (_, access) = try await require(context, customer: true)
            let typed = Self.details(from: context.form)
            do {
                let valid = try typed.validated()
                return try await form(valid, action: "/porting", heading: "Check your port request", access: access, context: context, reviewing: true)
            } catch let error as PortRequestError {
                return try await form(typed, action: "/porting/review", heading: "New port request", access: access, context: context,
                                      errors: Self.messages(error), status: .badRequest)
            }
        }
        router.post("/porting") { _, context in
            let (session, access) = try await require(context, customer: true)
            let typed = Self.details(from: context.form)
            do {
                let created = try await ports.create(typed, accountID: access.scope.rootID, by: PortingAccess.actor(session.user), scope: access.scope)
                return PageRenderer.redirect("/porting/\(created.id)?created=1")
            } catch let error as PortRequestError {
                return try await form(typed, action: "/porting/review", heading: "New port request", access: access, context: context,
                                      errors: Self.messages(error), status: .badRequest)
            }
        }
        router.get("/porting/:id") { request, context in
            let (session, access) = try await require(context)
            let notice: String? = request.uri.queryParameters["created"] != nil
                ? "Request created. Next: upload the customer service record, sign the letter of authorization, and submit."
                : request.uri.queryParameters["done"].map { String($0) }
            return try await detail(try Self.id(context), session: session, access: access, context: context, notice: notice)
        }
        router.get("/porting/:id/edit") { _, context in
            let (_, access) = try await require(context, customer: true)
            guard let port = try await ports.get(try Self.id(context), scope: access.scope) else { throw PortalError.notFound }
            guard port.state.isEditable else { throw PortalError.badRequest(PortRequestError.wrongState(port.state, "be edited").description) }
            return try await form(port.details, action: "/porting/\(port.id)", heading: "Edit \(port.trackingID)", access: access, context: context)
        }
        router.post("/porting/:id") { _, context in
            let (session, access) = try await require(context, customer: true)
            let id = try Self.id(context)
            let typed = Self.details(from: context.form)
            do {
                try await ports.update(id, details: typed, by: PortingAccess.actor(session.user), scope: access.scope)
                return PageRenderer.redirect("/porting/\(id)?done=Details+saved.")
            } catch let error as PortRequestError where error != .notFound {
                return try await form(typed, action: "/porting/\(id)", heading: "Edit port request", access: access, context: context,
                                      errors: Self.messages(error), status: .badRequest)
            }
        }
        router.post("/porting/:id/files") { _, context in
            let (session, access) = try await require(context)
            let id = try Self.id(context)
            guard let port = try await ports.get(id, scope: access.scope) else { throw PortalError.notFound }
            let kind = context.form["kind"].flatMap(PortRequestRepository.Document.Kind.init(rawValue:)) ?? .other
            guard [.csr, .bill, .other].contains(kind) else { throw PortalError.badRequest("Choose what the file is: CSR, bill or other.") }
            guard let file = context.form.file("file") else { throw PortalError.badRequest("Choose a file to upload.") }
            guard let type = PortingAccess.fileType(file.bytes) else {
                return try await detail(id, session: session, access: access, context: context,
                                        error: "\(file.filename): upload the document as PDF, TIFF, PNG or JPEG.", status: .badRequest)
            }
            let stored = try await vault.documents.put(companyID: port.companyID, accountID: port.accountID, kind: .original, contentType: type, bytes: file.bytes)
            try await ports.attach(stored.id, kind: kind, fileName: file.filename, to: id, by: PortingAccess.actor(session.user), scope: access.scope)
            return PageRenderer.redirect("/porting/\(id)?done=File+added.")
        }
        router.get("/porting/:id/files/:document") { _, context in
            let (session, access) = try await require(context)
            let id = try Self.id(context)
            guard let documentID = context.parameters.get("document", as: Int64.self),
                  let port = try await ports.get(id, scope: access.scope),
                  let file = try await ports.documents(of: id, scope: access.scope).first(where: { $0.documentID == documentID }) else { throw PortalError.notFound }
            // Port documents are uploaded for the porting team to read: staff may open them too.
            let content = try await vault.documents.read(documentID, companyID: port.companyID,
                                                         reader: .system(purpose: "port request \(port.trackingID) file read by user \(session.user.id)"))
            let info = try await vault.documents.info(documentID, companyID: port.companyID)
            return Self.download(content, type: info.contentType, name: file.fileName)
        }
        router.get("/porting/:id/loa.pdf") { _, context in
            let (_, access) = try await require(context)
            guard let port = try await ports.get(try Self.id(context), scope: access.scope) else { throw PortalError.notFound }
            let loa = try await PortingAccess.letter(for: port, database: database)
            return Self.download(Array(PortingAccess.pdf(loa, signature: nil)), type: "application/pdf", name: "LOA-\(port.trackingID).pdf")
        }
        router.post("/porting/:id/sign") { _, context in
            let (session, access) = try await require(context, customer: true)
            let id = try Self.id(context)
            guard let port = try await ports.get(id, scope: access.scope) else { throw PortalError.notFound }
            let f = context.form
            guard f["agree"] == "yes" else {
                return try await detail(id, session: session, access: access, context: context,
                                        error: "Tick the box to confirm you are authorized to sign for \(port.details.businessName).", status: .badRequest)
            }
            let signature = LetterOfAuthorization.Signature(
                name: f["signer_name"] ?? "", title: f["signer_title"] ?? "", date: f["signed_on"] ?? "", ip: context.remoteAddress ?? "unknown", at: Date())
            do {
                try await PortingAccess.sign(port, signature: signature, termsDigest: f["terms"] ?? "", user: session.user, scope: access.scope,
                                             vault: vault, database: database)
            } catch let error as PortRequestError where error != .notFound {
                return try await detail(id, session: session, access: access, context: context, error: error.description,
                                        status: error == .letterChanged ? .conflict : .badRequest)
            }
            return PageRenderer.redirect("/porting/\(id)?done=Letter+of+authorization+signed.")
        }
        action("submit", customer: true, done: "Submitted to the porting team.", router: router) { id, actor, access, _ in
            try await ports.submit(id, by: actor, scope: access.scope)
        }
        action("cancel", customer: false, done: "Request cancelled.", router: router) { id, actor, access, _ in
            try await ports.cancel(id, by: actor, scope: access.scope)
        }
        action("notes", customer: false, done: "Note added.", router: router) { id, actor, access, form in
            try await ports.addNote(form["body"] ?? "", to: id, by: actor, staff: access.isStaff, scope: access.scope)
        }
        action("start", customer: false, done: "Marked in progress.", router: router) { id, actor, access, _ in
            try await ports.startProgress(id, by: actor, scope: access.scope)
        }
        action("schedule", customer: false, done: "FOC date saved.", router: router) { id, actor, access, form in
            try await ports.schedule(id, focDate: form["foc_date"] ?? "", by: actor, scope: access.scope)
        }
        action("complete", customer: false, done: "Port completed.", router: router) { id, actor, access, _ in
            try await ports.complete(id, by: actor, scope: access.scope)
        }
        action("reject", customer: false, done: "Request rejected.", router: router) { id, actor, access, form in
            try await ports.reject(id, reason: form["reason"] ?? "", by: actor, scope: access.scope)
        }
    }

    /// A state-changing button: POST `/porting/:id/<name>`; refusals are shown on the request's page.
    private func action(_ name: String, customer: Bool, done: String, router: Router<PortalRequestContext>,
                        _ body: @escaping @Sendable (Int64, PortRequestRepository.Actor, PortingAccess, FormData) async throws -> Void) {
        router.post("/porting/:id/\(name)") { _, context in
            let (session, access) = try await require(context, customer: customer)
            let id = try Self.id(context)
            do {
                try await body(id, PortingAccess.actor(session.user), access, context.form)
            } catch let error as PortRequestError where error != .notFound {
                return try await detail(id, session: session, access: access, context: context, error: error.description,
                                        status: error == .staffOnly ? .forbidden : .badRequest)
            } catch PortRequestError.notFound {
                throw PortalError.notFound
            }
            return PageRenderer.redirect("/porting/\(id)?done=" + (done.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
    }

    // MARK: - Pages

    private func require(_ context: PortalRequestContext, customer: Bool = false) async throws -> (PortalSession, PortingAccess) {
        let session = try context.requireSession()
        guard let access = try await PortingAccess.of(userID: session.user.id, account: session.account, database: database) else {
            throw HTTPError(.forbidden, message: "Porting needs the fax number inventory right of a company admin or of the porting team.")
        }
        if customer && access.isStaff { throw HTTPError(.forbidden, message: "The customer prepares and signs a port request.") }
        return (session, access)
    }

    private func form(_ details: PortRequestDetails, action: String, heading: String, access: PortingAccess, context: PortalRequestContext,
                      errors: [String] = [], reviewing: Bool = false, status: HTTPResponse.Status = .ok) async throws -> Response {
        let users = try await UserRepository(database: database).list(under: access.scope.rootID, scope: access.scope)
        let model = PortFormModel.from(details: details, action: action, heading: heading, users: users, errors: errors, reviewing: reviewing)
        return try renderer.render("portal/port-form", title: heading, page: model, context: context, current: "/porting", status: status)
    }

    private func detail(_ id: Int64, session: PortalSession, access: PortingAccess, context: PortalRequestContext,
                        notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let port = try await ports.get(id, scope: access.scope) else { throw PortalError.notFound }
        let format = try await DisplayFormat.forUser(session, settings: SettingsRepository(database: database))
        let loa = try await PortingAccess.letter(for: port, database: database)
        let signature = try await ports.latestSignature(of: id, scope: access.scope)
        let current = signature.map { $0.termsDigest == loa.termsDigest } ?? false
        let missing = try await ports.missingForSubmission(id, scope: access.scope)
        let d = port.details
        var facts: [PortRequestModel.Fact] = [
            .init(label: "Tracking ID", value: port.trackingID), .init(label: "Status", value: port.state.title),
            .init(label: "Created", value: format.dateTime(port.createdAt)),
            .init(label: "Contact", value: "\(d.contactName) <\(d.contactEmail)>" + (d.contactPhone.isEmpty ? "" : ", \(d.contactPhone)")),
            .init(label: "Numbers", value: d.numbers.joined(separator: ", ")), .init(label: "Billing telephone number", value: d.billingTelephoneNumber),
            .init(label: "Business name", value: d.businessName),
        ]
        facts += d.serviceAddresses.enumerated().map { .init(label: "Service address \($0.offset + 1)", value: $0.element.line) }
        if !d.instructions.isEmpty { facts.append(.init(label: "Special instructions", value: d.instructions)) }
        if let foc = port.focDate { facts.append(.init(label: "FOC date", value: foc)) }
        if let done = port.completedAt { facts.append(.init(label: "Completed", value: format.dateTime(done))) }
        let files = try await ports.documents(of: id, scope: access.scope).map {
            PortRequestModel.File(documentID: $0.documentID, kind: Self.kindLabel($0.kind), name: $0.fileName, added: format.dateTime($0.createdAt))
        }
        let notes = try await ports.notes(of: id, scope: access.scope).map {
            PortRequestModel.Note(author: $0.authorName, role: $0.automatic ? "" : ($0.staff ? "Porting team" : "Customer"), body: $0.body,
                                  at: format.dateTime($0.createdAt), automatic: $0.automatic)
        }
        let customer = !access.isStaff
        let model = PortRequestModel(
            id: id, trackingID: port.trackingID, status: port.state.title, statusClass: port.state.rawValue, facts: facts,
            rejectionReason: port.state == .rejected ? port.rejectionReason : nil, files: files, hasFiles: !files.isEmpty,
            loa: loa.sections(signature: current ? signature?.signature : nil).map { .init(heading: $0.heading, lines: $0.lines) },
            signed: signature.map { s in
                "Signed by \(s.signature.name) (\(s.signature.title)) on \(s.signature.date)" + (current ? "." : " for earlier details: sign again.")
            },
            signedDocumentID: current ? signature?.documentID : nil, termsDigest: loa.termsDigest, today: format.isoDay(Date()),
            missing: missing, hasMissing: !missing.isEmpty, notes: notes, isStaff: access.isStaff,
            canEdit: customer && port.state.isEditable, canSign: customer && (port.state == .new || port.state == .rejected),
            canSubmit: customer && (port.state == .new || port.state == .rejected), canCancel: !port.state.isFinal,
            canUpload: !port.state.isFinal, canStart: access.isStaff && port.state == .pending,
            canSchedule: access.isStaff && (port.state == .inProgress || port.state == .scheduled),
            canComplete: access.isStaff && (port.state == .inProgress || port.state == .scheduled),
            canReject: access.isStaff && [.pending, .inProgress, .scheduled].contains(port.state), notice: notice, error: error)
        return try renderer.render("portal/port-request", title: "Port request \(port.trackingID)", page: model, context: context,
                                   current: "/porting", status: status)
    }

    // MARK: - Helpers

    static func details(from f: FormData) -> PortRequestDetails {
        let addresses = (1...3).map {
            PortRequest.ServiceAddress(street: f["street_\($0)"] ?? "", city: f["city_\($0)"] ?? "", region: f["region_\($0)"] ?? "",
                                       postalCode: f["postal_\($0)"] ?? "")
        }
        return PortRequestDetails(
            contactName: f["contact_name"] ?? "", contactEmail: f["contact_email"] ?? "", contactPhone: f["contact_phone"] ?? "",
            countryCode: f["country_code"] ?? "1", numbers: [f["numbers"] ?? ""],
            billingTelephoneNumber: f["btn_same"] == "yes" ? "" : (f["btn"] ?? ""), businessName: f["business_name"] ?? "",
            serviceAddresses: addresses, instructions: f["instructions"] ?? "", assignToUserID: f["assign_user"].flatMap { Int64($0) })
    }

    static func messages(_ error: PortRequestError) -> [String] {
        if case .invalid(let problems) = error { return problems.map(\.reason) }
        return [error.description]
    }

    static func id(_ context: PortalRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { throw PortalError.notFound }
        return id
    }

    static func download(_ bytes: [UInt8], type: String, name: String) -> Response {
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(100))
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(safe)\"", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func kindLabel(_ kind: PortRequestRepository.Document.Kind) -> String {
        switch kind {
        case .csr: "Customer service record"
        case .bill: "Last bill"
        case .loa: "Letter of authorization"
        case .signedLOA: "Signed letter of authorization"
        case .other: "Other"
        }
    }
}
