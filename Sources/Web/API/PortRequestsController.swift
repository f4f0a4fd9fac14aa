import Foundation
import Hummingbird
import PagewireCore

/// `/v1/port-requests`: the porting workflow of the portal for API callers. Customers (company
/// admins with the inventory right) create, edit, document, sign, submit and cancel; the porting
/// team (platform or reseller staff with it) moves requests through their states with
/// `POST …/status`. Both write in the notes thread. Another tenant's ids read as not found.
struct PortRequestsController {
    let database: Database
    let vault: Vault
    let maxBodyBytes: Int

    var ports: PortRequestRepository { PortRequestRepository(database: database) }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("port-requests", use: list)
        group.post("port-requests", use: create)
        group.get("port-requests/{id}", use: get)
        group.put("port-requests/{id}", use: update)
        group.get("port-requests/{id}/documents", use: documents)
        group.post("port-requests/{id}/documents", use: upload)
        group.get("port-requests/{id}/documents/{document}", use: download)
        group.get("port-requests/{id}/loa", use: letter)
        group.post("port-requests/{id}/signature", use: sign)
        group.post("port-requests/{id}/submit", use: submit)
        group.post("port-requests/{id}/cancel", use: cancel)
        group.get("port-requests/{id}/notes", use: notes)
        group.post("port-requests/{id}/notes", use: addNote)
        group.post("port-requests/{id}/status", use: changeStatus)
    }

    // MARK: - Resources

    struct Address: Codable {
        var street: String
        var city: String
        var region: String
        var postalCode: String
    }

    struct Input: Decodable {
        var contactName: String
        var contactEmail: String
        var contactPhone: String?
        var countryCode: String?
        var numbers: [String]
        var billingTelephoneNumber: String?
        var businessName: String
        var serviceAddresses: [Address]
        var instructions: String?
        var assignToUserId: Int64?

        var details: PortRequestDetails {
            PortRequestDetails(
                contactName: contactName, contactEmail: contactEmail, contactPhone: contactPhone ?? "", countryCode: countryCode ?? "1",
                numbers: numbers, billingTelephoneNumber: billingTelephoneNumber ?? "", businessName: businessName,
                serviceAddresses: serviceAddresses.map { .init(street: $0.street, city: $0.city, region: $0.region, postalCode: $0.postalCode) },
                instructions: instructions ?? "", assignToUserID: assignToUserId)
        }
    }

    struct Resource: Encodable {
        var id: Int64
        var trackingId: String
        var state: String
        var companyId: Int64
        var contactName: String
        var contactEmail: String
        var contactPhone: String
        var countryCode: String
        var numbers: [String]
        var billingTelephoneNumber: String
        var businessName: String
        var serviceAddresses: [Address]
        var instructions: String
        var assignToUserId: Int64?
        var focDate: String?
        var rejectionReason: String?
        /// The digest of the LOA terms now: a signature must name it.
        var loaTermsDigest: String
        /// What submission still needs (empty when ready or past submission).
        var missingForSubmission: [String]
        var createdAt: Date
        var updatedAt: Date
        var submittedAt: Date?
        var completedAt: Date?
    }

    struct DocumentResource: Encodable {
        var documentId: Int64
        var kind: String
        var fileName: String
        var createdAt: Date
    }

    struct NoteResource: Encodable {
        var id: Int64
        var author: String
        var staff: Bool
        var automatic: Bool
        var body: String
        var createdAt: Date
    }

    struct Page<T: Encodable>: Encodable { var data: [T] }

    struct SignatureInput: Decodable {
        var name: String
        var title: String
        var date: String
        var termsDigest: String
    }

    struct NoteInput: Decodable { var body: String }

    struct StatusInput: Decodable {
        var state: String
        var focDate: String?
        var reason: String?
    }

    // MARK: - Handlers

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (_, access) = try await caller(context)
        var state: PortRequest.State?
        if let text = request.uri.queryParameters["state"] {
            guard let s = PortRequest.State(rawValue: String(text)) else { throw Problem.invalid("unknown state \(text)", field: "state") }
            state = s
        }
        let rows = try await ports.list(scope: access.scope, state: state)
        var resources: [Resource] = []
        for row in rows { resources.append(try await resource(row, scope: access.scope)) }
        return try APIJSON.response(Page(data: resources))
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (principal, access) = try await caller(context, customer: true)
        let input = try await decode(Input.self, request)
        let created = try await mapErrors { try await ports.create(input.details, accountID: access.scope.rootID, by: try await actor(principal), scope: access.scope) }
        return try APIJSON.response(try await resource(created, scope: access.scope), status: .created,
                                    headers: [.location: "/v1/port-requests/\(created.id)"])
    }

    @Sendable func get(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (_, access) = try await caller(context)
        return try APIJSON.response(try await resource(try await port(context, access), scope: access.scope))
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (principal, access) = try await caller(context, customer: true)
        let id = try Self.id(context)
        let input = try await decode(Input.self, request)
        let updated = try await mapErrors { try await ports.update(id, details: input.details, by: try await actor(principal), scope: access.scope) }
        return try APIJSON.response(try await resource(updated, scope: access.scope))
    }

    @Sendable func documents(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (_, access) = try await caller(context)
        let files = try await mapErrors { try await ports.documents(of: try Self.id(context), scope: access.scope) }
        return try APIJSON.response(Page(data: files.map {
            DocumentResource(documentId: $0.documentID, kind: $0.kind.rawValue, fileName: $0.fileName, createdAt: $0.createdAt)
        }))
    }

    @Sendable func upload(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (principal, access) = try await caller(context)
        let port = try await port(context, access)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw Problem("body-too-large", status: .contentTooLarge, title: "Request body too large",
                          detail: "the request body exceeds the limit of \(maxBodyBytes) bytes")
        }
        guard let boundary = MultipartFormData.boundary(fromContentType: request.headers[.contentType] ?? "") else {
            throw Problem("unsupported-media-type", status: .unsupportedMediaType, title: "Unsupported media type", detail: "send multipart/form-data")
        }
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let form: MultipartFormData
        do { form = try MultipartFormData(body: Array(buffer: body), boundary: boundary) } catch let error as MultipartFormData.ParseError {
            throw Problem.malformed(error.description)
        }
        guard let kindText = form.parts.first(where: { $0.name == "kind" }).map({ $0.text }),
              let kind = PortRequestRepository.Document.Kind(rawValue: kindText), [.csr, .bill, .other].contains(kind) else {
            throw Problem.invalid("kind is csr, bill or other", field: "kind")
        }
        guard let file = form.parts.first(where: { $0.name == "file" && $0.filename != nil }), !file.bytes.isEmpty else {
            throw Problem.invalid("attach the document as the part named file", field: "file")
        }
        guard let type = PortingAccess.fileType(file.bytes) else { throw Problem.invalid("the document must be a PDF, TIFF, PNG or JPEG", field: "file") }
        let stored = try await vault.documents.put(companyID: port.companyID, accountID: port.accountID, kind: .original, contentType: type, bytes: file.bytes)
        let name = file.filename ?? kind.rawValue
        try await mapErrors { try await ports.attach(stored.id, kind: kind, fileName: name, to: port.id, by: try await actor(principal), scope: access.scope) }
        return try APIJSON.response(DocumentResource(documentId: stored.id, kind: kind.rawValue, fileName: name, createdAt: Date()), status: .created)
    }

    @Sendable func download(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (principal, access) = try await caller(context)
        let port = try await port(context, access)
        guard let documentID = context.parameters.get("document", as: Int64.self),
              let file = try await ports.documents(of: port.id, scope: access.scope).first(where: { $0.documentID == documentID }) else {
            throw Problem.notFound("no such document of this port request")
        }
        // Port documents are uploaded for the porting team to read: staff may open them too.
        let bytes = try await vault.documents.read(documentID, companyID: port.companyID,
                                                   reader: .system(purpose: "port request \(port.trackingID) file read by user \(principal.userID)"))
        let info = try await vault.documents.info(documentID, companyID: port.companyID)
        return Self.file(bytes, type: info.contentType, name: file.fileName)
    }

    @Sendable func letter(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (_, access) = try await caller(context)
        let port = try await port(context, access)
        let loa = try await PortingAccess.letter(for: port, database: database)
        return Self.file(Array(PortingAccess.pdf(loa, signature: nil)), type: "application/pdf", name: "LOA-\(port.trackingID).pdf")
    }

    @Sendable func sign(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (principal, access) = try await caller(context, customer: true)
        let port = try await port(context, access)
        let input = try await decode(SignatureInput.self, request)
        guard let user = try await UserRepository(database: database).get(principal.userID, scope: principal.scope) else { throw Problem.notFound() }
        let signature = LetterOfAuthorization.Signature(name: input.name, title: input.title, date: input.date,
                                                        ip: context.remoteAddress ?? "unknown", at: Date())
        try await mapErrors {
            try await PortingAccess.sign(port, signature: signature, termsDigest: input.termsDigest, user: user, scope: access.scope,
                                         vault: vault, database: database)
        }
        return try APIJSON.response(try await resource(try await self.port(context, access), scope: access.scope), status: .created)
    }

    @Sendable func submit(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await transition(context, customer: true) { id, actor, access in try await ports.submit(id, by: actor, scope: access.scope) }
    }

    @Sendable func cancel(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await transition(context, customer: false) { id, actor, access in try await ports.cancel(id, by: actor, scope: access.scope) }
    }

    @Sendable func notes(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (_, access) = try await caller(context)
        let notes = try await mapErrors { try await ports.notes(of: try Self.id(context), scope: access.scope) }
        return try APIJSON.response(Page(data: notes.map {
            NoteResource(id: $0.id, author: $0.authorName, staff: $0.staff, automatic: $0.automatic, body: $0.body, createdAt: $0.createdAt)
        }))
    }

    @Sendable func addNote(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (principal, access) = try await caller(context)
        let id = try Self.id(context)
        let input = try await decode(NoteInput.self, request)
        let noteID = try await mapErrors { try await ports.addNote(input.body, to: id, by: try await actor(principal), staff: access.isStaff, scope: access.scope) }
        guard let note = try await ports.notes(of: id, scope: access.scope).first(where: { $0.id == noteID }) else { throw Problem.notFound() }
        return try APIJSON.response(NoteResource(id: note.id, author: note.authorName, staff: note.staff, automatic: note.automatic, body: note.body,
                                                 createdAt: note.createdAt), status: .created)
    }

    @Sendable func changeStatus(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (principal, access) = try await caller(context)
        let id = try Self.id(context)
        let input = try await decode(StatusInput.self, request)
        let actor = try await actor(principal)
        try await mapErrors {
            switch PortRequest.State(rawValue: input.state) {
            case .inProgress: try await ports.startProgress(id, by: actor, scope: access.scope)
            case .scheduled: try await ports.schedule(id, focDate: input.focDate ?? "", by: actor, scope: access.scope)
            case .completed: try await ports.complete(id, by: actor, scope: access.scope)
            case .rejected: try await ports.reject(id, reason: input.reason ?? "", by: actor, scope: access.scope)
            default: throw Problem.invalid("state is in_progress, scheduled, completed or rejected", field: "state")
            }
        }
        return try APIJSON.response(try await resource(try await port(context, access), scope: access.scope))
    }

    // MARK: - Helpers

    private func caller(_ context: APIRequestContext, customer: Bool = false) async throws -> (APIPrincipal, PortingAccess) {
        let principal = try context.requirePrincipal()
        guard let account = try await AccountRepository(database: database).get(principal.accountID, scope: principal.scope),
              let access = try await PortingAccess.of(userID: principal.userID, account: account, database: database) else {
            throw Problem("forbidden", status: .forbidden, title: "Forbidden",
                          detail: "porting needs the fax number inventory right of a company admin or of the porting team")
        }
        if customer && access.isStaff {
            throw Problem("forbidden", status: .forbidden, title: "Forbidden", detail: "the customer prepares, signs and submits a port request")
        }
        return (principal, access)
    }

    private func actor(_ principal: APIPrincipal) async throws -> PortRequestRepository.Actor {
        guard let user = try await UserRepository(database: database).get(principal.userID, scope: principal.scope) else { throw Problem.notFound() }
        return PortingAccess.actor(user)
    }

    private func port(_ context: APIRequestContext, _ access: PortingAccess) async throws -> PortRequest {
        guard let port = try await ports.get(try Self.id(context), scope: access.scope) else { throw Problem.notFound("no such port request") }
        return port
    }

    private func transition(_ context: APIRequestContext, customer: Bool,
                            _ body: (Int64, PortRequestRepository.Actor, PortingAccess) async throws -> Void) async throws -> Response {
        let (principal, access) = try await caller(context, customer: customer)
        let id = try Self.id(context)
        let actor = try await actor(principal)
        try await mapErrors { try await body(id, actor, access) }
        return try APIJSON.response(try await resource(try await port(context, access), scope: access.scope))
    }

    private func resource(_ p: PortRequest, scope: AccountScope) async throws -> Resource {
        let d = p.details
        let missing = p.state == .new || p.state == .rejected ? try await ports.missingForSubmission(p.id, scope: scope) : []
        return Resource(
            id: p.id, trackingId: p.trackingID, state: p.state.rawValue, companyId: p.companyID, contactName: d.contactName,
            contactEmail: d.contactEmail, contactPhone: d.contactPhone, countryCode: d.countryCode, numbers: d.numbers,
            billingTelephoneNumber: d.billingTelephoneNumber, businessName: d.businessName,
            serviceAddresses: d.serviceAddresses.map { Address(street: $0.street, city: $0.city, region: $0.region, postalCode: $0.postalCode) },
            instructions: d.instructions, assignToUserId: d.assignToUserID, focDate: p.focDate, rejectionReason: p.rejectionReason,
            loaTermsDigest: LetterOfAuthorization(trackingID: p.trackingID, details: d, gainingProvider: "").termsDigest,
            missingForSubmission: missing, createdAt: p.createdAt, updatedAt: p.updatedAt, submittedAt: p.submittedAt, completedAt: p.completedAt)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        guard (request.headers[.contentType] ?? "").lowercased().hasPrefix("application/json") else {
            throw Problem("unsupported-media-type", status: .unsupportedMediaType, title: "Unsupported media type", detail: "send application/json")
        }
        let body = try await request.body.collect(upTo: 1 << 20)
        do { return try APIJSON.decoder.decode(T.self, from: Data(body.readableBytesView)) } catch {
            throw Problem.malformed("the body is not the expected JSON object")
        }
    }

    /// Turns the repository's refusals into problem documents.
    private func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as PortRequestError {
            switch error {
            case .notFound: throw Problem.notFound("no such port request")
            case .staffOnly: throw Problem("forbidden", status: .forbidden, title: "Forbidden", detail: error.description)
            case .invalid(let problems):
                throw Problem("invalid-request", status: .unprocessableContent, title: "Invalid request", detail: error.description,
                              errors: problems.map { Problem.FieldError(field: $0.field, message: $0.reason) })
            case .wrongState, .letterChanged: throw Problem.conflict("port-request-state", error.description)
            case .numberTaken: throw Problem.conflict("number-taken", error.description)
            case .incomplete: throw Problem("port-request-incomplete", status: .unprocessableContent, title: "Not ready", detail: error.description)
            }
        }
    }

    static func id(_ context: APIRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { throw Problem.notFound("no such port request") }
        return id
    }

    static func file(_ bytes: [UInt8], type: String, name: String) -> Response {
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(100))
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(safe)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
