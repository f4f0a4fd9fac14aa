/// The send-fax form.
struct SendFaxModel: Sendable {
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }
    struct ContactChoice: Sendable {
        let id: Int64
        let label: String
        let checked: Bool
    }

    let recipients: String
    let contacts: [ContactChoice]
    let hasContacts: Bool
    let qualities: [Option]
    let coverPage: Bool
    let callerID: String
    let error: String?
    let maxUploadMiB: Int
}
