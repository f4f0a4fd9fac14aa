import PagewireCore

extension EmailToFaxAdminModel {
    /// The overview as the admin `adminID` may see it.
    static func query(adminID: Int64, database: Database, notice: String?, error: String?) async throws -> EmailToFaxAdminModel {
        let administration = MailAdministration(database: database)
        let domains = try await administration.domains(adminID: adminID)
        let companies = try await administration.companies(adminID: adminID)
        let senders = try await administration.senders(adminID: adminID)
        return EmailToFaxAdminModel(
            domains: domains.map { Domain(domain: $0.domain, company: $0.companyName) }, hasDomains: !domains.isEmpty,
            companies: companies.map { Company(id: $0.id, name: $0.name) }, canChangeDomains: !companies.isEmpty,
            senders: senders.map { Sender(id: $0.user.id, email: $0.user.email, name: $0.user.displayName, addresses: $0.addresses.joined(separator: ", ")) },
            hasSenders: !senders.isEmpty, notice: notice, error: error)
    }
}

extension SendingAddressesAdminModel {
    /// One user's addresses; refusals (other tenant, missing right) propagate.
    static func query(userID: Int64, adminID: Int64, database: Database, notice: String?, error: String?) async throws -> SendingAddressesAdminModel {
        let entry = try await MailAdministration(database: database).sender(userID, adminID: adminID)
        let name = entry.user.displayName.isEmpty ? entry.user.email : entry.user.displayName
        return SendingAddressesAdminModel(
            userID: userID, heading: "Sending addresses of \(name)", ownAddress: entry.user.email, addresses: entry.addresses,
            hasAddresses: !entry.addresses.isEmpty, changeable: entry.changeable, notice: notice, error: error)
    }
}
