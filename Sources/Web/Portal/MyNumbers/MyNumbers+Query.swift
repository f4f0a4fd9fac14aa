import PagewireCore

extension MyNumbersModel {
    static let fileTypeLabels: [(InboundFileType, String)] = [(.pdf, "PDF"), (.tiff, "TIFF"), (.tiffHiRes, "TIFF-HiRes")]

    /// The page for `session`'s user; `addresses`/`fileType` are the form's values after a refusal.
    static func query(session: PortalSession, database: Database, addresses: [String]? = nil, fileType: String? = nil,
                      notice: String? = nil, error: String? = nil) async throws -> MyNumbersModel {
        let numbers = try await NumberRepository(database: database).numbers(ofUser: session.user.id, scope: session.scope)
        let settings = SettingsRepository(database: database)
        let emails = try await settings.effective(Settings.inboundEmailAddresses, forUser: session.user.id)
        let type = try await settings.effective(Settings.inboundFileType, forUser: session.user.id)
        let shown = addresses ?? emails.value
        let fields = (1...3).map { AddressField(n: $0, value: $0 <= shown.count ? shown[$0 - 1] : "") }
        let chosen = fileType ?? type.value.rawValue
        let options = fileTypeLabels.map { Option(value: $0.0.rawValue, label: $0.1, selected: $0.0.rawValue == chosen) }
        let inherited = [emails.origin, type.origin].contains { if case .user = $0 { false } else { true } }
        return MyNumbersModel(
            rows: numbers.map { Row($0) }, hasRows: !numbers.isEmpty, addresses: fields, fileTypes: options,
            origin: inherited ? "Until you save your own choice, your company's (or department's) setting applies." : "",
            notice: notice, error: error)
    }

    static func fileTypeLabel(_ type: InboundFileType) -> String { fileTypeLabels.first { $0.0 == type }?.1 ?? type.rawValue }
}

extension MyNumbersModel.Row {
    init(_ number: FaxNumber) {
        let formatted = (try? E164Number(parsing: number.e164).formatted) ?? number.e164
        self.init(id: number.id, number: formatted, e164: number.e164,
                  location: [number.city, number.region].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", "))
    }
}

extension MyNumberModel {
    /// The number `id` if it is assigned to `session`'s user (any other id, another tenant's too, is nil).
    static func query(id: Int64, session: PortalSession, database: Database) async throws -> MyNumberModel? {
        guard let number = try await NumberRepository(database: database).get(id, scope: session.scope), number.userID == session.user.id,
              number.state == .assigned else { return nil }
        let json = try await SettingsRepository(database: database).effectiveJSON(
            names: Settings.inboundDeliveryKeyNames, forUser: session.user.id, accountPath: session.account.path)
        let addresses = SettingsRepository.value(Settings.inboundEmailAddresses, in: json)
        let row = MyNumbersModel.Row(number)
        return MyNumberModel(
            number: row.number, e164: row.e164, location: row.location,
            forwardsTo: addresses.isEmpty ? "No e-mail forwarding (faxes wait in your inbox)" : addresses.joined(separator: ", "),
            fileType: MyNumbersModel.fileTypeLabel(SettingsRepository.value(Settings.inboundFileType, in: json)))
    }
}
