import Foundation

/// Contacts of an account subtree, and CSV import that keeps good rows and reports bad ones by line.
public struct ContactRepository: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Why a contact could not be saved.
    public enum ContactError: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self { case .invalid(let reason): reason }
        }
    }

    /// What an import did: how many rows went in, and each refused row with its line and reason.
    public struct ImportReport: Sendable, Equatable {
        public var imported: Int
        public var problems: [(line: Int, reason: String)]
        public static func == (a: ImportReport, b: ImportReport) -> Bool {
            a.imported == b.imported && a.problems.map(\.line) == b.problems.map(\.line) && a.problems.map(\.reason) == b.problems.map(\.reason)
        }
    }

    static let columns = "c.id, c.account_id, c.first_name, c.last_name, c.fax_number, c.email, c.company, c.custom_json"

    /// Contacts inside `scope`, by name; `search` matches names, company or number.
    public func list(scope: AccountScope, search: String? = nil, limit: Int = 200) async throws -> [Contact] {
        var sql = "SELECT \(Self.columns) FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE a.path LIKE ?"
        var binds: [any SQLEncodable] = [scope.pathPattern]
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            let pattern = "%" + search.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            sql += " AND (c.first_name LIKE ? OR c.last_name LIKE ? OR c.company LIKE ? OR c.fax_number LIKE ?)"
            binds += [pattern, pattern, pattern, pattern]
        }
        sql += " ORDER BY c.last_name, c.first_name, c.id LIMIT ?"
        binds.append(limit)
        let query = sql, values = binds
        return try await database.withConnection { try $0.query(query, values).map(Self.contact(row:)) }
    }

    /// The contact `id` if it is inside `scope`.
    public func get(_ id: Int64, scope: AccountScope) async throws -> Contact? {
        try await database.query(
            "SELECT \(Self.columns) FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.id = ? AND a.path LIKE ?",
            id, scope.pathPattern
        ).first.map(Self.contact(row:))
    }

    /// The members of group `groupID` that are inside `scope`, by name; nil when the group itself
    /// is not inside `scope` (another tenant's group reads as missing).
    public func members(ofGroup groupID: Int64, scope: AccountScope) async throws -> [Contact]? {
        try await database.withConnection { c in
            guard try c.query(
                "SELECT g.id FROM contact_groups g JOIN accounts a ON a.id = g.account_id WHERE g.id = ? AND a.path LIKE ?",
                groupID, scope.pathPattern
            ).first != nil else { return nil }
            return try c.query(
                """
                SELECT \(Self.columns) FROM contact_group_members m JOIN contacts c ON c.id = m.contact_id
                JOIN accounts a ON a.id = c.account_id WHERE m.group_id = ? AND a.path LIKE ?
                ORDER BY c.last_name, c.first_name, c.id
                """, groupID, scope.pathPattern
            ).map(Self.contact(row:))
        }
    }

    /// Adds a group at `accountID` (inside `scope`) holding `contactIDs`, which must be inside `scope` too.
    @discardableResult
    public func createGroup(accountID: Int64, name: String, contactIDs: [Int64], scope: AccountScope) async throws -> Int64 {
        let trimmed = try Self.checkedGroupName(name)
        return try await database.transaction { c in
            guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw AccountError.notFound }
            guard try c.query("SELECT id FROM contact_groups WHERE account_id = ? AND name = ?", accountID, trimmed).isEmpty else {
                throw ContactError.invalid("There is already a group named \(trimmed).")
            }
            let id = Int64(try c.execute("INSERT INTO contact_groups (account_id, name, created_at) VALUES (?, ?, ?)", accountID, trimmed, Date()).lastInsertID)
            for contactID in contactIDs {
                guard try c.query(
                    "SELECT c.id FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.id = ? AND a.path LIKE ?", contactID, scope.pathPattern
                ).first != nil else { throw AccountError.notFound }
                try c.execute("INSERT IGNORE INTO contact_group_members (group_id, contact_id) VALUES (?, ?)", id, contactID)
            }
            return id
        }
    }

    /// Checks and normalises one contact's fields; the number becomes E.164.
    public static func validated(firstName: String, lastName: String, fax: String, email: String?, company: String?) throws(ContactError) -> (String, String, String, String?, String?) {
        let first = firstName.trimmingCharacters(in: .whitespaces), last = lastName.trimmingCharacters(in: .whitespaces)
        guard !(first.isEmpty && last.isEmpty) else { throw .invalid("a contact needs a first or last name") }
        guard first.count <= 100, last.count <= 100 else { throw .invalid("names have at most 100 characters") }
        let number: E164Number
        do { number = try E164Number(parsing: fax) } catch { throw .invalid("fax number \"\(fax)\": \(error.description)") }
        let mail = email?.trimmingCharacters(in: .whitespaces)
        if let mail, !mail.isEmpty, (mail.count > 254 || !mail.contains("@") || mail.hasPrefix("@") || mail.hasSuffix("@")) {
            throw .invalid("\"\(mail)\" is not an e-mail address")
        }
        let firm = company?.trimmingCharacters(in: .whitespaces)
        guard (firm?.count ?? 0) <= 200 else { throw .invalid("the company has at most 200 characters") }
        return (first, last, number.value, mail?.isEmpty == false ? mail : nil, firm?.isEmpty == false ? firm : nil)
    }

    /// Adds one contact at `accountID` (inside `scope`).
    @discardableResult
    public func create(accountID: Int64, firstName: String, lastName: String, fax: String, email: String? = nil, company: String? = nil,
                       custom: [String: String] = [:], scope: AccountScope) async throws -> Int64 {
        let (first, last, number, mail, firm) = try Self.validated(firstName: firstName, lastName: lastName, fax: fax, email: email, company: company)
        let customJSON = custom.isEmpty ? nil : String(decoding: try JSONEncoder().encode(custom), as: UTF8.self)
        return try await database.transaction { c in
            guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw AccountError.notFound }
            return Int64(try c.execute(
                "INSERT INTO contacts (account_id, first_name, last_name, fax_number, email, company, custom_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                accountID, first, last, number, mail, firm, customJSON, Date()).lastInsertID)
        }
    }

    /// Imports a CSV whose first line names the columns (`first_name`/`First Name`, `last_name`,
    /// `fax`/`fax_number`, `email`, `company`; any other column becomes a custom field).
    /// Good rows are inserted in one transaction; each bad row is reported with its line number.
    public func importCSV(_ text: String, accountID: Int64, scope: AccountScope, maxRows: Int = 10_000) async throws -> ImportReport {
        let records: [CSVTable.Record]
        do { records = try CSVTable.parse(text) } catch { return ImportReport(imported: 0, problems: [(error.line, error.reason)]) }
        guard let header = records.first else { return ImportReport(imported: 0, problems: [(1, "the file is empty")]) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_") }
        func index(_ options: [String]) -> Int? { names.firstIndex { options.contains($0) } }
        guard let faxColumn = index(["fax", "fax_number", "faxnumber", "fax_no"]) else {
            return ImportReport(imported: 0, problems: [(header.line, "the first line must name the columns, one of them fax or fax_number")])
        }
        let firstColumn = index(["first_name", "firstname", "first"]), lastColumn = index(["last_name", "lastname", "last", "name"])
        let emailColumn = index(["email", "e-mail", "e_mail"]), companyColumn = index(["company", "organisation", "organization"])
        let known = Set([faxColumn, firstColumn, lastColumn, emailColumn, companyColumn].compactMap { $0 })
        var problems: [(line: Int, reason: String)] = []
        var good: [(String, String, String, String?, String?, String?)] = []
        for record in records.dropFirst() {
            if good.count + problems.count >= maxRows {
                problems.append((record.line, "more than \(maxRows) rows: the rest was not read"))
                break
            }
            guard record.fields.count == names.count else {
                problems.append((record.line, "has \(record.fields.count) fields, the header has \(names.count)"))
                continue
            }
            func field(_ i: Int?) -> String { i.map { record.fields[$0] } ?? "" }
            do {
                let (first, last, number, mail, firm) = try Self.validated(
                    firstName: field(firstColumn), lastName: field(lastColumn), fax: field(faxColumn),
                    email: field(emailColumn), company: field(companyColumn))
                var custom: [String: String] = [:]
                for (i, name) in names.enumerated() where !known.contains(i) && !record.fields[i].isEmpty { custom[name] = record.fields[i] }
                let json = custom.isEmpty ? nil : String(decoding: try JSONEncoder().encode(custom), as: UTF8.self)
                good.append((first, last, number, mail, firm, json))
            } catch let error as ContactError {
                problems.append((record.line, error.description))
            }
        }
        let rows = good
        if !rows.isEmpty {
            try await database.transaction { c in
                guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw AccountError.notFound }
                let now = Date()
                for r in rows {
                    try c.execute(
                        "INSERT INTO contacts (account_id, first_name, last_name, fax_number, email, company, custom_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        accountID, r.0, r.1, r.2, r.3, r.4, r.5, now)
                }
            }
        }
        return ImportReport(imported: rows.count, problems: problems)
    }

    static func contact(row: SQLRow) throws -> Contact {
        let json: String? = try row.optional("custom_json")
        let custom = json.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        return Contact(
            id: try row.get("id"), accountID: try row.get("account_id"), firstName: try row.get("first_name"),
            lastName: try row.get("last_name"), faxNumber: try row.get("fax_number"), email: try row.optional("email"),
            company: try row.optional("company"), custom: custom)
    }
}
