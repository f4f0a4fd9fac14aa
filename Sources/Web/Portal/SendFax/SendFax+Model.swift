/// The send-fax form.
struct SendFaxModel: Sendable {
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }
    /// A contact, group or stored document to tick.
    struct Choice: Sendable {
        let id: Int64
        let label: String
        let checked: Bool
    }

    let recipients: String
    let contacts: [Choice]
    let hasContacts: Bool
    let groups: [Choice]
    let hasGroups: Bool
    let documents: [Choice]
    let hasDocuments: Bool
    let qualities: [Option]
    let coverPage: Bool
    /// The cover page templates open to the sender (only the assigned one when their level restricts them).
    var coverTemplates: [Option] = []
    var coverRestricted = false
    var coverSubject = ""
    var coverMessage = ""
    let callerID: String
    let error: String?
    let maxUploadMiB: Int
}
