/// `/admin/email-to-fax`: the fax domains of the companies an admin manages, and the users
/// with their registered sending addresses.
struct EmailToFaxAdminModel: Sendable {
    struct Domain: Sendable {
        let domain: String
        let company: String
    }
    struct Company: Sendable {
        let id: Int64
        let name: String
    }
    struct Sender: Sendable {
        let id: Int64
        let email: String
        let name: String
        let addresses: String
    }

    let domains: [Domain]
    let hasDomains: Bool
    /// Companies the admin may add domains to; the add form shows only when there is one.
    let companies: [Company]
    let canChangeDomains: Bool
    let senders: [Sender]
    let hasSenders: Bool
    let notice: String?
    let error: String?
}

/// `/admin/email-to-fax/users/:id`: one user's registered sending addresses.
struct SendingAddressesAdminModel: Sendable {
    let userID: Int64
    let heading: String
    let ownAddress: String
    let addresses: [String]
    let hasAddresses: Bool
    /// False for a read-only admin: the list without the forms.
    let changeable: Bool
    let notice: String?
    let error: String?
}
