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
