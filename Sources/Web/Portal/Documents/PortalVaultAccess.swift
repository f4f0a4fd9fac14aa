import Hummingbird
import PagewireCore

/// How the portal opens a vault document for the signed-in user: with the company key from their
/// vault session (cookie `pw_vault`, opened at sign-in) when they hold it, else through the
/// platform's transit copy (which exists for library documents only in managed mode).
struct PortalVaultAccess: Sendable {
    let vault: Vault

    func reader(_ request: Request, session: PortalSession, companyID: Int64, action: AuditAction, ip: String?, purpose: String) async -> DocumentReader {
        let actor = AuditActor.user(session.user.id, label: session.user.username, ip: ip)
        if let token = request.cookies[FaxDocumentsController.vaultCookieName]?.value, !token.isEmpty,
           let user = try? await vault.sessions.unlock(token: token), user.userID == session.user.id,
           let company = try? await vault.keyring.unlockCompany(companyID: companyID, with: user) {
            return .user(company, actor: actor, action: action)
        }
        return .system(purpose: "\(purpose) by user \(session.user.id)")
    }
}
