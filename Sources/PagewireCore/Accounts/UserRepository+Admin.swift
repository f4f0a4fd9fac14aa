import Foundation

/// What an administrator records about a user beyond name and e-mail.
public struct UserProfile: Sendable, Equatable {
    /// Contact details (cover-page tokens): phone number.
    public var phone: String
    /// Contact details: job title.
    public var jobTitle: String
    /// Custom field that flows into reports: cost centre.
    public var costCentre: String
    /// Custom field that flows into reports: employee id.
    public var employeeID: String

    /// A profile; every field is optional (empty).
    public init(phone: String = "", jobTitle: String = "", costCentre: String = "", employeeID: String = "") {
        self.phone = phone
        self.jobTitle = jobTitle
        self.costCentre = costCentre
        self.employeeID = employeeID
    }

    /// Why the profile cannot be stored, or nil.
    var problem: String? {
        if phone.count > 40 { return "the phone number has at most 40 characters" }
        for (name, value) in [("job title", jobTitle), ("cost centre", costCentre), ("employee id", employeeID)] where value.count > 100 {
            return "the \(name) has at most 100 characters"
        }
        return nil
    }
}

/// How a new user's username is chosen, as in Concord's "Add User Account".
public enum UsernameChoice: Sendable, Equatable {
    /// The e-mail address (the usual choice for portal users).
    case email
    /// A name the admin typed.
    case chosen(String)
    /// A system-generated name (`u` and ten random characters).
    case generated

    func resolve(email: String) -> String {
        switch self {
        case .email: email
        case .chosen(let name): name
        case .generated: "u" + PasswordGenerator.generate(length: 10).lowercased()
        }
    }
}

extension UserRepository {
    /// Creates a user with a username chosen as `username` says and their profile, in one transaction.
    public func create(accountID: Int64, email: String, username: UsernameChoice, displayName: String, password: String,
                       profile: UserProfile, scope: AccountScope) async throws -> User {
        if let problem = profile.problem { throw AccountError.invalidName(problem) }
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard name.count <= 200 else { throw AccountError.invalidName("the name has at most 200 characters") }
        let validEmail = try Self.validatedEmail(email)
        let user = try await create(accountID: accountID, email: validEmail, username: username.resolve(email: validEmail),
                                    displayName: name, password: password, scope: scope)
        try await update(userID: user.id, displayName: name, email: validEmail, profile: profile, scope: scope)
        return user
    }

    /// The profile of a user inside `scope`.
    public func profile(of userID: Int64, scope: AccountScope) async throws -> UserProfile {
        guard let row = try await database.query(
            """
            SELECT u.phone, u.job_title, u.cost_centre, u.employee_id FROM users u JOIN accounts a ON a.id = u.account_id
            WHERE u.id = ? AND a.path LIKE ?
            """, userID, scope.pathPattern).first else { throw AccountError.notFound }
        return UserProfile(phone: try row.get("phone"), jobTitle: try row.get("job_title"),
                           costCentre: try row.get("cost_centre"), employeeID: try row.get("employee_id"))
    }

    /// Changes a user's name, e-mail address and profile (the username stays).
    public func update(userID: Int64, displayName: String, email: String, profile: UserProfile, scope: AccountScope) async throws {
        if let problem = profile.problem { throw AccountError.invalidName(problem) }
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard name.count <= 200 else { throw AccountError.invalidName("the name has at most 200 characters") }
        let email = try Self.validatedEmail(email)
        try await database.transaction { c in
            guard try Self.fetch(c, id: userID, scope: scope) != nil else { throw AccountError.notFound }
            try c.execute(
                "UPDATE users SET display_name = ?, email = ?, phone = ?, job_title = ?, cost_centre = ?, employee_id = ? WHERE id = ?",
                name, email, profile.phone.trimmingCharacters(in: .whitespaces), profile.jobTitle.trimmingCharacters(in: .whitespaces),
                profile.costCentre.trimmingCharacters(in: .whitespaces), profile.employeeID.trimmingCharacters(in: .whitespaces), userID)
        }
    }

    /// Deletes a user inside `scope`: their numbers go back to the unassigned inventory in the
    /// same transaction; their sessions, tokens, keys and grants go with them (the faxes stay
    /// for the activity reports).
    public func delete(userID: Int64, scope: AccountScope, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard try Self.fetch(c, id: userID, scope: scope) != nil else { throw AccountError.notFound }
            try NumberRepository.returnNumbers(ofUser: userID, on: c, now: now)
            try c.execute("DELETE FROM users WHERE id = ?", userID)
        }
    }

    /// Removes a user's admin grant at `accountID` (inside `scope`).
    public func revoke(userID: Int64, accountID: Int64, scope: AccountScope) async throws {
        let removed = try await database.withConnection { c in
            try c.execute(
                """
                DELETE g FROM admin_grants g JOIN accounts a ON a.id = g.account_id
                WHERE g.user_id = ? AND g.account_id = ? AND a.path LIKE ?
                """, userID, accountID, scope.pathPattern).affectedRows
        }
        guard removed == 1 else { throw AccountError.notFound }
    }
}
