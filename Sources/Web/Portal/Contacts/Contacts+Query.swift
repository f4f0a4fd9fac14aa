import PagewireCore

extension ContactsModel {
    static func query(session: PortalSession, database: Database, search: String, notice: String? = nil, error: String? = nil,
                      report: ContactRepository.ImportReport? = nil) async throws -> ContactsModel {
        let contacts = try await ContactRepository(database: database).list(scope: session.scope, search: search)
        let rows = contacts.map { c in
            Row(id: c.id, name: [c.firstName, c.lastName].filter { !$0.isEmpty }.joined(separator: " "), faxNumber: c.faxNumber,
                email: c.email ?? "", company: c.company ?? "")
        }
        let problems = report?.problems.map { Problem(line: $0.line, reason: $0.reason) } ?? []
        return ContactsModel(search: search, rows: rows, hasRows: !rows.isEmpty, notice: notice, error: error,
                             hasReport: report != nil, imported: report?.imported ?? 0, problems: problems, hasProblems: !problems.isEmpty)
    }
}

extension ContactModel {
    static func query(id: Int64, session: PortalSession, database: Database) async throws -> ContactModel? {
        guard let c = try await ContactRepository(database: database).get(id, scope: session.scope) else { return nil }
        var fields = [Field(label: "Fax", value: c.faxNumber)]
        if let email = c.email { fields.append(Field(label: "E-mail", value: email)) }
        if let company = c.company { fields.append(Field(label: "Company", value: company)) }
        for (name, value) in c.custom.sorted(by: { $0.key < $1.key }) { fields.append(Field(label: name, value: value)) }
        return ContactModel(id: c.id, name: [c.firstName, c.lastName].filter { !$0.isEmpty }.joined(separator: " "), fields: fields, faxNumber: c.faxNumber)
    }
}
