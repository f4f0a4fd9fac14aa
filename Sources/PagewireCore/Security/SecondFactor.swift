import Foundation

/// TOTP as the second sign-in step of platform and reseller staff (DESIGN §5).
///
/// A staff member without a confirmed authenticator enrols at their next sign-in: a fresh secret
/// is shown once per enrolment and becomes active when a code from it is accepted. Secrets are
/// stored wrapped with the platform transit key (bound to the user id), codes are accepted one
/// step either side of now, each step only once (replay), and at most `attemptsPerWindow` tries
/// per user in any `attemptWindow` seconds (a six-digit code cannot be guessed by trying).
public struct SecondFactor: Sendable {
    /// Tries per user and window before further codes are refused for the rest of the window.
    public static let attemptsPerWindow = 10
    public static let attemptWindow: TimeInterval = 300

    /// Where the secrets live.
    public let database: Database
    let transit: TransitKeyring

    /// The service; `transit` wraps the secrets (the vault's transit keys).
    public init(database: Database, transit: TransitKeyring) {
        self.database = database
        self.transit = transit
    }

    /// Whether users of `account` must give a code after their password: platform and reseller staff.
    public static func isRequired(for account: Account) -> Bool {
        account.kind == .platform || account.kind == .reseller
    }

    /// Where a user stands.
    public enum Status: Sendable, Equatable {
        /// No authenticator, or one not confirmed yet (its secret is shown again until confirmed).
        case enrolling
        /// A confirmed authenticator.
        case enrolled
    }

    public func status(userID: Int64) async throws -> Status {
        let row = try await database.query("SELECT confirmed_at FROM user_totp WHERE user_id = ?", userID).first
        return try row?.optional("confirmed_at", as: Date.self) != nil ? .enrolled : .enrolling
    }

    /// The secret to set up an authenticator with, created on first call (nil once enrolled).
    public func enrolmentSecret(userID: Int64, now: Date = Date()) async throws -> [UInt8]? {
        if let row = try await database.query("SELECT transit_key_id, sealed_secret, confirmed_at FROM user_totp WHERE user_id = ?", userID).first {
            guard try row.optional("confirmed_at", as: Date.self) == nil else { return nil }
            return try unseal(row, userID: userID)
        }
        let secret = VaultCipher.randomBytes(20)
        let key = transit.current
        let sealed = try VaultCipher.wrap(secret, with: key.key, context: Self.context(userID))
        try await database.execute(
            "INSERT IGNORE INTO user_totp (user_id, transit_key_id, sealed_secret, created_at) VALUES (?, ?, ?, ?)",
            userID, key.id, sealed, now)
        // Two first visits at once: whichever row won is the secret.
        return try await enrolmentSecret(userID: userID, now: now)
    }

    /// What a code came to.
    public enum Verdict: Sendable, Equatable {
        /// Right, and not used before: the sign-in may go on (and a pending enrolment is confirmed).
        case accepted
        /// Wrong, too old, or used before.
        case refused
        /// Too many tries lately; nothing was checked.
        case tooManyAttempts
    }

    /// Checks a code of the user's authenticator.
    public func verify(userID: Int64, code: String, now: Date = Date()) async throws -> Verdict {
        // This window's tries and the previous one's: a guesser gets no fresh tries at a boundary.
        let tries = try await RateCounter(database: database).hitCountingPreviousWindow("totp:\(userID)", window: Self.attemptWindow, now: now)
        guard tries <= Self.attemptsPerWindow else { return .tooManyAttempts }
        guard let row = try await database.query("SELECT transit_key_id, sealed_secret FROM user_totp WHERE user_id = ?", userID).first,
              let step = TOTP.matchingStep(secret: try unseal(row, userID: userID), code: code, at: now)
        else { return .refused }
        // Each step once: only one of two racing uses of a code moves last_step past it.
        let used = try await database.execute(
            "UPDATE user_totp SET last_step = ?, confirmed_at = COALESCE(confirmed_at, ?) WHERE user_id = ? AND last_step < ?",
            step, now, userID, step)
        return used.affectedRows == 1 ? .accepted : .refused
    }

    /// Removes a user's authenticator (they enrol again at their next sign-in); needs no transit key.
    public static func reset(userID: Int64, database: Database) async throws {
        try await database.execute("DELETE FROM user_totp WHERE user_id = ?", userID)
    }

    private func unseal(_ row: SQLRow, userID: Int64) throws -> [UInt8] {
        let key = try transit.key(id: try row.get("transit_key_id"))
        guard let secret = VaultCipher.unwrap(try row.get("sealed_secret"), with: key, context: Self.context(userID)) else {
            throw VaultError.corruptKeyMaterial(what: "TOTP secret of user \(userID)")
        }
        return secret
    }

    static func context(_ userID: Int64) -> String { "totp:user:\(userID)" }
}
