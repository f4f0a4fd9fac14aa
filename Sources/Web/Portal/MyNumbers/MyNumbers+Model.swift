/// `My numbers`: the fax numbers a user receives on, and how their received faxes are delivered.
struct MyNumbersModel: Sendable {
    struct Row: Sendable {
        let id: Int64
        let number: String
        let e164: String
        let location: String
    }
    struct AddressField: Sendable {
        let n: Int
        let value: String
    }
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    let rows: [Row]
    let hasRows: Bool
    let addresses: [AddressField]
    let fileTypes: [Option]
    /// Says where the values come from when the user has not chosen them.
    let origin: String
    let notice: String?
    let error: String?
}

/// One of the user's numbers.
struct MyNumberModel: Sendable {
    let number: String
    let e164: String
    let location: String
    let forwardsTo: String
    let fileType: String
}
