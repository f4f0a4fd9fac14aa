import Foundation

/// A way a received fax leaves the platform (DESIGN.md §3 "inbound routes"); the portal inbox is
/// always there and needs no route.
public enum InboundRouteKind: String, Sendable, Codable, CaseIterable {
    case email, sftp, https
    /// Waits for an API client to pull it (`GET /v1/inbound`); delivered as soon as it is listed.
    case api
    /// The company archive's copies (`Settings.archive`); their events are `archived`.
    case archiveEmail = "archive_email"
    case archiveSFTP = "archive_sftp"

    /// Whether this is an archive copy rather than a delivery to the owner.
    public var isArchive: Bool { self == .archiveEmail || self == .archiveSFTP }
}

/// How the files of one delivery are made; a snapshot of the owner's settings when the round began.
public struct InboundDeliveryOptions: Codable, Sendable, Equatable {
    public var fileType: InboundFileType
    public var pageSeparation: Bool
    public var metadata: FaxMetadataFormat
    public var timeZone: String
    public var dateFormat: String
    public var timeFormat: String
    public var stamp: InboundStamp?

    /// The options in an owner's effective settings (`SettingsRepository.effectiveJSON`).
    public init(settings json: [String: String]) {
        fileType = SettingsRepository.value(Settings.inboundFileType, in: json)
        pageSeparation = SettingsRepository.value(Settings.pageSeparation, in: json)
        metadata = SettingsRepository.value(Settings.metadata, in: json)
        timeZone = SettingsRepository.value(Settings.timeZone, in: json)
        dateFormat = SettingsRepository.value(Settings.dateFormat, in: json)
        timeFormat = SettingsRepository.value(Settings.timeFormat, in: json)
        stamp = SettingsRepository.value(Settings.inboundStamp, in: json)
    }
}

/// One route and target of a delivery round, with what it needs to run (stored with the row, so
/// retries go where the round began even if settings change meanwhile).
public struct InboundRouteConfig: Codable, Sendable, Equatable {
    public var route: InboundRouteKind
    public var options: InboundDeliveryOptions
    public var address: String?
    public var sftp: InboundSFTPTarget?
    public var https: InboundHTTPSTarget?

    /// What events and the delivery list show as the target (no credentials).
    public var target: String {
        switch route {
        case .email, .archiveEmail: address ?? ""
        case .sftp, .archiveSFTP: sftp?.displayTarget ?? ""
        case .https: https.map { Self.withoutQuery($0.url) } ?? ""
        case .api: "inbound API"
        }
    }

    /// The config without credentials (SFTP password or key, HTTPS signing secret): what is
    /// stored with each delivery row, so secrets live only in the settings that hold them.
    public var redacted: InboundRouteConfig {
        var copy = self
        copy.sftp?.password = nil
        copy.sftp?.privateKey = nil
        copy.https?.secret = ""
        return copy
    }

    /// The credentials put back from the owner's current settings, when they still name the same
    /// target (same host, port and user, or the same URL); otherwise they stay empty and the send
    /// fails asking for a resubmission through the routes configured now.
    public func withCredentials(from json: [String: String]) -> InboundRouteConfig {
        var copy = self
        let archive = SettingsRepository.value(Settings.archive, in: json)
        switch route {
        case .sftp, .archiveSFTP:
            let current = route == .sftp ? SettingsRepository.value(Settings.inboundSFTP, in: json) : archive?.sftp
            if let current, let mine = sftp, current.host == mine.host, current.port == mine.port, current.username == mine.username {
                copy.sftp?.password = current.password
                copy.sftp?.privateKey = current.privateKey
            }
        case .https:
            if let current = SettingsRepository.value(Settings.inboundHTTPS, in: json), current.url == https?.url {
                copy.https?.secret = current.secret
            }
        default: break
        }
        return copy
    }

    static func withoutQuery(_ url: String) -> String {
        String(url.split(separator: "?", maxSplits: 1).first ?? "").prefix(255).description
    }

    /// The routes an owner's effective settings name, in a stable order.
    public static func plan(settings json: [String: String]) -> [InboundRouteConfig] {
        let options = InboundDeliveryOptions(settings: json)
        var routes: [InboundRouteConfig] = []
        var seen: Set<String> = []
        for address in SettingsRepository.value(Settings.inboundEmailAddresses, in: json).prefix(3) where seen.insert(address.lowercased()).inserted {
            routes.append(InboundRouteConfig(route: .email, options: options, address: address))
        }
        if let sftp = SettingsRepository.value(Settings.inboundSFTP, in: json) {
            routes.append(InboundRouteConfig(route: .sftp, options: options, sftp: sftp))
        }
        if let https = SettingsRepository.value(Settings.inboundHTTPS, in: json) {
            routes.append(InboundRouteConfig(route: .https, options: options, https: https))
        }
        if SettingsRepository.value(Settings.inboundAPI, in: json) {
            routes.append(InboundRouteConfig(route: .api, options: options))
        }
        if let archive = SettingsRepository.value(Settings.archive, in: json), archive.inbound {
            routes += archiveRoutes(archive, options: options)
        }
        return routes
    }

    /// The company archive's copies: its own file type and metadata, never split per page.
    public static func archiveRoutes(_ archive: FaxArchive, options: InboundDeliveryOptions) -> [InboundRouteConfig] {
        var archived = options
        archived.fileType = archive.fileType
        archived.metadata = archive.metadata
        archived.pageSeparation = false
        var routes: [InboundRouteConfig] = []
        if let email = archive.email { routes.append(InboundRouteConfig(route: .archiveEmail, options: archived, address: email)) }
        if let sftp = archive.sftp { routes.append(InboundRouteConfig(route: .archiveSFTP, options: archived, sftp: sftp)) }
        return routes
    }
}
