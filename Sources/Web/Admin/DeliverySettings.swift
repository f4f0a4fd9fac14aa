import Foundation
import PagewireCore

/// Where a node's received faxes go, as an administrator sets it in the portal's Delivery tab and
/// in `/v1/accounts/{id}/inbound-delivery`: up to three e-mail addresses, an SFTP site, an HTTPS
/// endpoint, the pull API, and the company archive (copies of received and sent faxes to an
/// address or an SFTP site), each inherited like every setting. Credentials (the SFTP password
/// or key, the HTTPS signing secret) are sealed with the transit key before they are stored and
/// never shown again; leaving them blank keeps the stored ones for the same site.
struct DeliverySettings: Sendable {
    let database: Database
    let transit: TransitKeyring

    /// The parts of the tab, each one setting key.
    enum Section: String, CaseIterable, Sendable {
        case email, sftp, https, api, archive
    }

    /// The effective routes at a node, with where each comes from.
    struct Effective: Sendable {
        var emailAddresses: ResolvedSetting<[String]>
        var sftp: ResolvedSetting<InboundSFTPTarget?>
        var https: ResolvedSetting<InboundHTTPSTarget?>
        var api: ResolvedSetting<Bool>
        var archive: ResolvedSetting<FaxArchive?>
    }

    /// The archive as entered; its SFTP credentials are kept like the route's.
    struct ArchiveInput: Sendable {
        var inbound: Bool
        var outbound: Bool
        var email: String?
        var sftp: SFTPInput?
        var fileType: InboundFileType
        var metadata: FaxMetadataFormat
    }

    /// An SFTP site as entered; blank credentials keep the stored ones when host, port and user stay.
    struct SFTPInput: Sendable {
        var host: String
        var port: Int
        var username: String
        var password: String?
        var privateKey: String?
        var hostKeySHA256: String
        var directory: String
        var fileNameTemplate: String
    }

    /// A refusal in words for the form or the problem document.
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    private var settings: SettingsRepository { SettingsRepository(database: database) }

    func effective(at accountID: Int64, scope: AccountScope) async throws -> Effective {
        Effective(
            emailAddresses: try await settings.effective(Settings.inboundEmailAddresses, forAccount: accountID, scope: scope),
            sftp: try await settings.effective(Settings.inboundSFTP, forAccount: accountID, scope: scope),
            https: try await settings.effective(Settings.inboundHTTPS, forAccount: accountID, scope: scope),
            api: try await settings.effective(Settings.inboundAPI, forAccount: accountID, scope: scope),
            archive: try await settings.effective(Settings.archive, forAccount: accountID, scope: scope))
    }

    func setEmailAddresses(_ addresses: [String], at accountID: Int64, scope: AccountScope, by actor: AuditActor) async throws {
        let cleaned = addresses.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        try await write(Settings.inboundEmailAddresses, cleaned, at: accountID, scope: scope, by: actor)
    }

    /// Sets the SFTP site (nil: no SFTP delivery here, whatever is inherited).
    func setSFTP(_ input: SFTPInput?, at accountID: Int64, scope: AccountScope, by actor: AuditActor) async throws {
        guard let input else { return try await write(Settings.inboundSFTP, nil, at: accountID, scope: scope, by: actor) }
        let current = try await settings.effective(Settings.inboundSFTP, forAccount: accountID, scope: scope).value
        let target = try Self.target(input, keepingCredentialsOf: current, field: Settings.inboundSFTP.name, transit: transit)
        try await write(Settings.inboundSFTP, target, at: accountID, scope: scope, by: actor)
    }

    /// Sets the company archive (nil: no archive here).
    func setArchive(_ input: ArchiveInput?, at accountID: Int64, scope: AccountScope, by actor: AuditActor) async throws {
        guard let input else { return try await write(Settings.archive, nil, at: accountID, scope: scope, by: actor) }
        let email = input.email?.trimmingCharacters(in: .whitespaces)
        var archive = FaxArchive(inbound: input.inbound, outbound: input.outbound, email: (email ?? "").isEmpty ? nil : email,
                                 fileType: input.fileType, metadata: input.metadata)
        if let sftp = input.sftp {
            let current = try await settings.effective(Settings.archive, forAccount: accountID, scope: scope).value?.sftp
            archive.sftp = try Self.target(sftp, keepingCredentialsOf: current, field: "archive.sftp", transit: transit)
        }
        try await write(Settings.archive, archive, at: accountID, scope: scope, by: actor)
    }

    /// The SFTP target of `input` with its credentials sealed; blank ones are taken from
    /// `current` when it names the same host, port and user.
    static func target(_ input: SFTPInput, keepingCredentialsOf current: InboundSFTPTarget?, field: String,
                       transit: TransitKeyring) throws -> InboundSFTPTarget {
        var target = InboundSFTPTarget(
            host: input.host.trimmingCharacters(in: .whitespaces), port: input.port, username: input.username.trimmingCharacters(in: .whitespaces),
            password: input.password.flatMap { $0.isEmpty ? nil : $0 }, privateKey: input.privateKey.flatMap { $0.isEmpty ? nil : $0 },
            hostKeySHA256: input.hostKeySHA256.trimmingCharacters(in: .whitespaces), directory: input.directory.trimmingCharacters(in: .whitespaces),
            fileNameTemplate: input.fileNameTemplate.trimmingCharacters(in: .whitespaces))
        if target.password == nil && target.privateKey == nil, let current,
           current.host == target.host, current.port == target.port, current.username == target.username {
            target.password = current.password
            target.privateKey = current.privateKey
        }
        return try target.sealed(as: field, transit: transit)
    }

    /// Sets the HTTPS endpoint (nil: none here); a blank secret keeps the stored one for the same URL.
    func setHTTPS(url: String?, secret: String?, at accountID: Int64, scope: AccountScope, by actor: AuditActor) async throws {
        guard let url = url?.trimmingCharacters(in: .whitespaces) else {
            return try await write(Settings.inboundHTTPS, nil, at: accountID, scope: scope, by: actor)
        }
        var target = InboundHTTPSTarget(url: url, secret: secret ?? "")
        if target.secret.isEmpty, let current = try await settings.effective(Settings.inboundHTTPS, forAccount: accountID, scope: scope).value,
           current.url == url {
            target.secret = current.secret
        }
        if target.secret.isEmpty { throw Invalid(description: "inbound.https: a signing secret of at least 16 characters is required") }
        if !SettingSecret.isSealed(target.secret), let problem = Settings.inboundHTTPS.problem(with: target) {
            throw Invalid(description: "inbound.https: \(problem)")
        }
        try await write(Settings.inboundHTTPS, try target.sealed(as: Settings.inboundHTTPS.name, transit: transit), at: accountID, scope: scope, by: actor)
    }

    func setAPI(_ on: Bool, at accountID: Int64, scope: AccountScope, by actor: AuditActor) async throws {
        try await write(Settings.inboundAPI, on, at: accountID, scope: scope, by: actor)
    }

    /// Removes the node's override of `section`, so it inherits again.
    func reset(_ section: Section, at accountID: Int64, scope: AccountScope, by actor: AuditActor) async throws {
        switch section {
        case .email: try await settings.reset(Settings.inboundEmailAddresses, atAccount: accountID, scope: scope, by: actor)
        case .sftp: try await settings.reset(Settings.inboundSFTP, atAccount: accountID, scope: scope, by: actor)
        case .https: try await settings.reset(Settings.inboundHTTPS, atAccount: accountID, scope: scope, by: actor)
        case .api: try await settings.reset(Settings.inboundAPI, atAccount: accountID, scope: scope, by: actor)
        case .archive: try await settings.reset(Settings.archive, atAccount: accountID, scope: scope, by: actor)
        }
    }

    private func write<V>(_ key: SettingKey<V>, _ value: V, at accountID: Int64, scope: AccountScope, by actor: AuditActor) async throws {
        do {
            try await settings.set(key, to: value, atAccount: accountID, scope: scope, by: actor)
        } catch let error as SettingsError {
            if case .notFound = error { throw error }
            throw Invalid(description: error.description)
        }
    }
}
