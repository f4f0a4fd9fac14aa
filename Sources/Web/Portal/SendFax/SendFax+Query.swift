import PagewireCore

extension SendFaxModel {
    /// The form; `quality` nil picks the quality of the first ticked stored document, else fine.
    static func query(session: PortalSession, database: Database, library: DocumentLibrary, recipients: String = "",
                      checkedContacts: Set<Int64> = [], checkedGroups: Set<Int64> = [], checkedDocuments: Set<Int64> = [],
                      quality: String? = nil, coverPage: Bool = false, callerID: String = "", error: String? = nil,
                      coverTemplate: String? = nil, coverSubject: String = "", coverMessage: String = "") async throws -> SendFaxModel {
        let repository = ContactRepository(database: database)
        let contacts = try await repository.list(scope: session.scope, limit: 500).map { c in
            Choice(id: c.id, label: "\([c.firstName, c.lastName].filter { !$0.isEmpty }.joined(separator: " ")) (\(c.faxNumber))",
                   checked: checkedContacts.contains(c.id))
        }
        let groups = try await repository.groups(scope: session.scope).map { g in
            Choice(id: g.id, label: "\(g.name) (\(g.memberCount) \(g.memberCount == 1 ? "contact" : "contacts"))", checked: checkedGroups.contains(g.id))
        }
        let stored = try await library.list(scope: session.scope)
        let documents = stored.map { d in
            Choice(id: d.id, label: "\(d.title) (\(d.pages) \(d.pages == 1 ? "page" : "pages"))", checked: checkedDocuments.contains(d.id))
        }
        let chosenQuality = quality ?? stored.first { checkedDocuments.contains($0.id) }?.quality.rawValue ?? "fine"
        let qualities = [("standard", "Standard (204×98)"), ("fine", "Fine (204×196)"), ("superfine", "Superfine (408×391)")].map {
            Option(value: $0.0, label: $0.1, selected: $0.0 == chosenQuality)
        }
        let offer = try await CoverPageCatalog(database: database).offer(forUser: session.user.id)
        let chosenCover = coverTemplate ?? offer.assigned.key
        var model = SendFaxModel(recipients: recipients, contacts: contacts, hasContacts: !contacts.isEmpty, groups: groups, hasGroups: !groups.isEmpty,
                                 documents: documents, hasDocuments: !documents.isEmpty, qualities: qualities,
                                 coverPage: coverPage, callerID: callerID, error: error, maxUploadMiB: 25)
        model.coverTemplates = offer.choices.map { Option(value: $0.key, label: $0.name, selected: $0.key == chosenCover) }
        model.coverRestricted = offer.restricted
        model.coverSubject = coverSubject
        model.coverMessage = coverMessage
        return model
    }
}
