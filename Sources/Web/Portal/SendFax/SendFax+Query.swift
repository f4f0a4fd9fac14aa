import PagewireCore

extension SendFaxModel {
    static func query(session: PortalSession, database: Database, recipients: String = "", checkedContacts: Set<Int64> = [],
                      quality: String = "fine", coverPage: Bool = false, callerID: String = "", error: String? = nil) async throws -> SendFaxModel {
        let contacts = try await ContactRepository(database: database).list(scope: session.scope, limit: 500)
        let choices = contacts.map { c in
            ContactChoice(id: c.id, label: "\([c.firstName, c.lastName].filter { !$0.isEmpty }.joined(separator: " ")) (\(c.faxNumber))",
                          checked: checkedContacts.contains(c.id))
        }
        let qualities = [("standard", "Standard (204×98)"), ("fine", "Fine (204×196)"), ("superfine", "Superfine (408×391)")].map {
            Option(value: $0.0, label: $0.1, selected: $0.0 == quality)
        }
        return SendFaxModel(recipients: recipients, contacts: choices, hasContacts: !choices.isEmpty, qualities: qualities,
                            coverPage: coverPage, callerID: callerID, error: error, maxUploadMiB: 25)
    }
}
