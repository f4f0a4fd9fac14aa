import Foundation

extension SessionRepository {
    /// What a session may do: everything, only change an expired password, or only give the second factor.
    public enum Stage: String, Sendable {
        case active
        case passwordChange = "password_change"
        case secondFactor = "second_factor"
    }

    /// Moves the session of `token` to `stage`.
    public func setStage(token: String, _ stage: Stage) async throws {
        try await database.execute("UPDATE portal_sessions SET stage = ? WHERE token_hash = ?", stage.rawValue, SessionToken.hash(token))
    }
}
