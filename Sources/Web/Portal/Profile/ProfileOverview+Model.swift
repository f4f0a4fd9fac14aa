/// `/profile`: the signed-in user's details, their sending addresses for e-mail to fax, and links
/// to change the password or sign out everywhere.
struct ProfileOverviewModel: Sendable {
    let username: String
    let email: String
    let displayName: String
    let addresses: [String]
    let hasAddresses: Bool
    /// `<number>@<domain>` examples, one per fax domain of the user's company.
    let faxDomains: [String]
    let hasFaxDomains: Bool
    let notice: String?
    let error: String?
}

/// `/profile/addresses/confirm?token=…`: confirm a sending address through the e-mailed link
/// (opening the link changes nothing; the button does).
struct ConfirmAddressModel: Sendable {
    let token: String
    let address: String
    let valid: Bool
}
