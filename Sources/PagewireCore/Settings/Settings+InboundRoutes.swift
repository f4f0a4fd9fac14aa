import Foundation

// Inbound delivery (issue 9): where received faxes go and how they are stamped. Every key is
// inherited like the others (user → departments → company → reseller → platform default).

/// An SFTP server that receives inbound faxes (libcurl over libssh2).
public struct InboundSFTPTarget: Codable, Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    /// Password authentication, or nil for key authentication.
    public var password: String?
    /// An OpenSSH or PEM private key (ed25519 or ECDSA: libssh2 1.10 signs RSA with SHA-1).
    public var privateKey: String?
    /// The server's host key fingerprint as `ssh-keygen -lf` prints it (`SHA256:…`); always checked.
    public var hostKeySHA256: String
    /// Directory on the server (created when missing), e.g. `/inbox`.
    public var directory: String
    /// File name without extension; tokens `{date}` `{time}` `{fax_id}` `{caller}` `{called}` `{pages}`.
    public var fileNameTemplate: String

    public init(host: String, port: Int = 22, username: String, password: String? = nil, privateKey: String? = nil,
                hostKeySHA256: String, directory: String = "", fileNameTemplate: String = "fax-{date}-{time}-{fax_id}") {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.privateKey = privateKey
        self.hostKeySHA256 = hostKeySHA256
        self.directory = directory
        self.fileNameTemplate = fileNameTemplate
    }

    /// Where the file goes, as shown in events (never the credentials).
    public var displayTarget: String { "sftp://\(username)@\(host):\(port)\(directory.hasPrefix("/") ? "" : "/")\(directory)" }

    /// Whether a password is stored (sealed or not); pages and the API say so without showing it.
    public var hasPassword: Bool { !(password ?? "").isEmpty }

    /// Whether a private key is stored (sealed or not); pages and the API say so without showing it.
    public var hasPrivateKey: Bool { !(privateKey ?? "").isEmpty }

    var problem: String? {
        if host.isEmpty || host.contains("/") || host.contains("@") { return "the SFTP host is a name or address" }
        if !(1...65535).contains(port) { return "the SFTP port is 1 to 65535" }
        if username.isEmpty { return "the SFTP user name is required" }
        if !hasPassword && !hasPrivateKey { return "SFTP needs a password or a private key" }
        if !hostKeySHA256.hasPrefix("SHA256:") || hostKeySHA256.count < 20 { return "the host key fingerprint looks like SHA256:… (ssh-keygen -lf)" }
        if directory.contains("..") { return "the SFTP directory may not contain .." }
        if fileNameTemplate.isEmpty || fileNameTemplate.contains("/") || fileNameTemplate.count > 150 { return "the file name has 1 to 150 characters and no /" }
        return nil
    }
}

/// An HTTPS endpoint that receives inbound faxes as a signed multipart POST.
public struct InboundHTTPSTarget: Codable, Sendable, Equatable {
    public var url: String
    /// The HMAC secret of the `Pagewire-Signature` header (as for webhooks).
    public var secret: String

    public init(url: String, secret: String) {
        self.url = url
        self.secret = secret
    }

    var problem: String? {
        if !url.lowercased().hasPrefix("https://") || url.count > 2000 { return "the delivery URL must be https:// (at most 2000 characters)" }
        if secret.count < 16 { return "the signing secret has at least 16 characters" }
        return nil
    }
}

/// Where the header/footer stamp goes.
public enum StampPosition: String, Codable, Sendable, CaseIterable { case header, footer }

/// Which pages carry the stamp.
public enum StampPages: String, Codable, Sendable, CaseIterable { case first, every }

/// The header/footer stamped on received pages before delivery (the guide's Custom tab).
/// Tokens: `{received}` (time in the account's time zone and formats), `{caller}`, `{called}`,
/// `{page}`, `{pages}`, `{fax_id}`.
public struct InboundStamp: Codable, Sendable, Equatable {
    public var text: String
    public var position: StampPosition
    public var pages: StampPages

    public init(text: String, position: StampPosition = .header, pages: StampPages = .first) {
        self.text = text
        self.position = position
        self.pages = pages
    }
}

/// A copy of every received (and, once sending supports it, sent) fax for the company's records:
/// an e-mail address and/or an SFTP site, in its own file type and metadata (the guide's Archive tab).
public struct FaxArchive: Codable, Sendable, Equatable {
    public var inbound: Bool
    public var outbound: Bool
    public var email: String?
    public var sftp: InboundSFTPTarget?
    public var fileType: InboundFileType
    public var metadata: FaxMetadataFormat

    public init(inbound: Bool = true, outbound: Bool = false, email: String? = nil, sftp: InboundSFTPTarget? = nil,
                fileType: InboundFileType = .pdf, metadata: FaxMetadataFormat = .none) {
        self.inbound = inbound
        self.outbound = outbound
        self.email = email
        self.sftp = sftp
        self.fileType = fileType
        self.metadata = metadata
    }

    var problem: String? {
        if let email, !InboundAddress.isPlausible(email) { return "\(email) is not an e-mail address" }
        if email == nil && sftp == nil { return "an archive needs an e-mail address or an SFTP site" }
        return sftp?.problem
    }
}

extension Settings {
    /// Up to three addresses each received fax is e-mailed to.
    public static let inboundEmailAddresses = SettingKey("inbound.email_addresses", default: [String]()) { list in
        if list.count > 3 { return "at most three e-mail addresses" }
        return list.first(where: { !InboundAddress.isPlausible($0) }).map { "\($0) is not an e-mail address" }
    }
    /// The SFTP server received faxes are uploaded to, if any.
    public static let inboundSFTP = SettingKey("inbound.sftp", default: InboundSFTPTarget?.none) { $0?.problem }
    /// The HTTPS endpoint received faxes are POSTed to, if any.
    public static let inboundHTTPS = SettingKey("inbound.https", default: InboundHTTPSTarget?.none) { $0?.problem }
    /// Whether received faxes wait for an API client (`GET /v1/inbound`, Inbound Web Services).
    public static let inboundAPI = SettingKey("inbound.api", default: false)
    /// The header/footer stamp, if any.
    public static let inboundStamp = SettingKey("fax.stamp", default: InboundStamp?.none) { stamp in
        guard let stamp else { return nil }
        if stamp.text.isEmpty || stamp.text.count > 200 || stamp.text.contains("\n") { return "the stamp is one line of 1 to 200 characters" }
        return InboundStamp.tokenProblem(in: stamp.text)
    }

    /// The company's archive of faxes, if any (set at company level; inherited like every key).
    public static let archive = SettingKey("archive", default: FaxArchive?.none) { $0?.problem }

    /// Every key the delivery of one fax reads.
    public static var inboundDeliveryKeyNames: [String] {
        [inboundEmailAddresses.name, inboundSFTP.name, inboundHTTPS.name, inboundAPI.name, inboundStamp.name, archive.name,
         inboundFileType.name, pageSeparation.name, metadata.name, timeZone.name, dateFormat.name, timeFormat.name]
    }
}

/// A light check of an e-mail address (the relay has the last word).
public enum InboundAddress {
    /// Whether `text` looks like `local@domain.tld` with no spaces or brackets.
    public static func isPlausible(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), text.count <= 254 else { return false }
        return !text.contains(where: { $0.isWhitespace || "<>,;\"\r\n".contains($0) })
    }
}
