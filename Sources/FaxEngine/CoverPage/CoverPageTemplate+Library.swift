import Foundation
import PagewireCore

extension CoverPageTemplate {
    /// The template a cover page request names for a fax of account `accountID`: an uploaded
    /// one (`custom-<id>`, of the account's level or a level above it) or a built-in file in
    /// `directory` (`default` is `plain`). Nil when there is no such template for that account.
    public static func load(key: String, accountID: Int64, uploaded: CoverPageRepository, directory: URL) async throws -> CoverPageTemplate? {
        if CoverPage.id(fromKey: key) != nil {
            return try await uploaded.source(forKey: key, accountID: accountID).map { CoverPageTemplate(name: $0.key, source: $0.source) }
        }
        guard let builtIn = CoverPage.builtInKey(key) else { return nil }
        return try? load(named: builtIn, from: directory)
    }
}
