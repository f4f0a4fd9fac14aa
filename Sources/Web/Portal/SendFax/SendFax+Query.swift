import PagewireCore

extension SendFaxModel {
    static func query(session: PortalSession, database: Database, recipients: String = "", checkedContacts: Set<Int64> = [],
                      quality: String = "fine", coverPage: Bool = false, callerID: String = "", error: String? = nil,
                      coverTemplate: String? = nil, coverSubject: String = "", coverMessage: String = "") async throws -> SendFaxModel {
        let contacts = try await ContactRepository(database: database).list(scope: session.scope, limit: 500)
        let choices = contacts.map { c in
            ContactChoice(id: c.id, label: "\([c.firstName, c.lastName].filter { !$0.isEmpty }.joined(separator: " ")) (\(c.faxNumber))",
                          checked: checkedContacts.contains(c.id))
        }
        let qualities = [("standard", "Standard (204×98)"), ("fine", "Fine (204×196)"), ("superfine", "Superfine (408×391)")].map {
            Option(value: $0.0, label: $0.1, selected: $0.0 == quality)
        }
        let offer = try await CoverPageCatalog(database: database).offer(forUser: session.user.id)
        let chosen = coverTemplate ?? offer.assigned.key
        var model = SendFaxModel(recipients: recipients, contacts: choices, hasContacts: !choices.isEmpty, qualities: qualities,
                                 coverPage: coverPage, callerID: callerID, error: error, maxUploadMiB: 25)
        model.coverTemplates = offer.choices.map { Option(value: $0.key, label: $0.name, selected: $0.key == chosen) }
        model.coverRestricted = offer.restricted
        model.coverSubject = coverSubject
        model.coverMessage = coverMessage
        return model
    }
}
