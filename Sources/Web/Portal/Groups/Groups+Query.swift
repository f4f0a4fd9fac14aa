import PagewireCore

extension GroupsModel {
    static func query(session: PortalSession, database: Database, name: String = "", notice: String? = nil, error: String? = nil) async throws -> GroupsModel {
        let rows = try await ContactRepository(database: database).groups(scope: session.scope).map {
            Row(id: $0.id, name: $0.name, members: $0.memberCount)
        }
        return GroupsModel(rows: rows, hasRows: !rows.isEmpty, name: name, notice: notice, error: error)
    }
}

extension GroupModel {
    static func query(id: Int64, session: PortalSession, database: Database, notice: String? = nil, error: String? = nil) async throws -> GroupModel? {
        let contacts = ContactRepository(database: database)
        guard let group = try await contacts.group(id, scope: session.scope),
              let members = try await contacts.members(ofGroup: id, scope: session.scope) else { return nil }
        func member(_ c: Contact) -> Member {
            Member(id: c.id, name: [c.firstName, c.lastName].filter { !$0.isEmpty }.joined(separator: " "), faxNumber: c.faxNumber)
        }
        let memberIDs = Set(members.map(\.id))
        let candidates = try await contacts.list(scope: session.scope, limit: 500).filter { !memberIDs.contains($0.id) }.map(member)
        return GroupModel(id: group.id, name: group.name, members: members.map(member), hasMembers: !members.isEmpty,
                          candidates: candidates, hasCandidates: !candidates.isEmpty, notice: notice, error: error)
    }
}
