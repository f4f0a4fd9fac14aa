import Foundation

/// Which cover page templates a sender may use: the built-in ones and those uploaded at their
/// level or above, or, when their level restricts cover pages to the assigned one
/// (`coverpage.restrict_to_assigned`), only the template assigned to them (`coverpage.template`).
public struct CoverPageCatalog: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// One template a sender can pick.
    public struct Choice: Sendable, Equatable {
        public let key: String
        public let name: String
    }

    /// What a user may choose from, and the assigned default.
    public struct Offer: Sendable, Equatable {
        public let assigned: Choice
        public let restricted: Bool
        /// Only `assigned` when restricted.
        public let choices: [Choice]
    }

    /// The templates open to `userID` (restricted: only the assigned one).
    public func offer(forUser userID: Int64) async throws -> Offer {
        guard let path: String = try await database.query(
            "SELECT a.path FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?", userID
        ).first?.get("path") else { throw CoverPageError.notFound }
        let json = try await SettingsRepository(database: database).effectiveJSON(
            names: [Settings.coverPageTemplate.name, Settings.coverPageRestrictToAssigned.name], forUser: userID, accountPath: path)
        let all = CoverPage.builtIn.map { Choice(key: $0.key, name: $0.name) }
            + (try await CoverPageRepository(database: database).available(toPath: path)).map { Choice(key: $0.key, name: $0.name) }
        let setting = SettingsRepository.value(Settings.coverPageTemplate, in: json)
        let key = CoverPage.builtInKey(setting) ?? setting
        // A deleted or out-of-reach template falls back to the built-in default.
        let assigned = all.first { $0.key == key } ?? all[0]
        let restricted = SettingsRepository.value(Settings.coverPageRestrictToAssigned, in: json)
        return Offer(assigned: assigned, restricted: restricted, choices: restricted ? [assigned] : all)
    }

    /// Whether a portal or API submission of `userID` gets a cover page under their level's
    /// cover page behaviour (the guide's seven; e-mail has its own reading in `MailIntake`):
    /// automatic adds one unasked, on demand when asked, with body text when asked with a
    /// message, none never; the "requires attachment" variants refuse a fax without documents.
    public func decide(asked: Bool, attachments: Int, message: Bool, forUser userID: Int64) async throws -> Bool {
        let behaviour = try await SettingsRepository(database: database).effective(Settings.coverPageBehaviour, forUser: userID).value
        let cover: Bool
        let requiresAttachment: Bool
        switch behaviour {
        case .automatic: (cover, requiresAttachment) = (true, false)
        case .automaticRequiresAttachment: (cover, requiresAttachment) = (true, true)
        case .onDemand: (cover, requiresAttachment) = (asked, false)
        case .onDemandRequiresAttachment: (cover, requiresAttachment) = (asked, true)
        case .withBodyText: (cover, requiresAttachment) = (asked && message, false)
        case .withBodyTextRequiresAttachment: (cover, requiresAttachment) = (asked && message, true)
        case .none: (cover, requiresAttachment) = (false, false)
        }
        if attachments == 0 && requiresAttachment {
            throw SubmissionError.refused(.noAttachment, "your account sends a cover page only with at least one attached document")
        }
        if attachments == 0 && !cover {
            let why = switch behaviour {
            case .none: "your account does not add cover pages; attach at least one document"
            case .withBodyText, .withBodyTextRequiresAttachment: "a cover page needs a message; attach a document or write one"
            default: "attach at least one document, or ask for a cover page"
            }
            throw SubmissionError.refused(.noAttachment, why)
        }
        return cover
    }

    /// The template a submission of `userID` uses: `requested` when it is open to them, the
    /// assigned one when nothing was asked for; a refusal otherwise.
    public func choose(_ requested: String?, forUser userID: Int64) async throws -> String {
        let offer = try await offer(forUser: userID)
        guard let requested, !requested.isEmpty else { return offer.assigned.key }
        let key = CoverPage.builtInKey(requested) ?? requested
        if offer.choices.contains(where: { $0.key == key }) { return key }
        if offer.restricted { throw CoverPageError.restricted(assigned: offer.assigned.name) }
        throw CoverPageError.unavailable(requested)
    }
}
