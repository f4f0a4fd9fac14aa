import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}/inbound-delivery`: where a node's received faxes go (`DeliverySettings`):
/// read with origins (the company archive among them), change any part with `PUT` (absent parts stay, `null` turns a route off
/// here), reset parts to inherited with `DELETE ?sections=`. Credentials are write-only.
struct DeliveryAPIController: Sendable {
    let delivery: DeliverySettings

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/inbound-delivery") { _, _, target in
            try await resource(target)
        }
        routes.on(.put, "accounts/:account/inbound-delivery") { request, context, target in
            let body = try await request.decode(as: Body.self, context: context)
            let actor = AccountsAPIController.actor(context)
            let node = target.account.id
            do {
                if let addresses = body.emailAddresses { try await delivery.setEmailAddresses(addresses, at: node, scope: target.scope, by: actor) }
                if let sftp = body.sftp { try await delivery.setSFTP(sftp?.input, at: node, scope: target.scope, by: actor) }
                if let https = body.https { try await delivery.setHTTPS(url: https?.url, secret: https?.secret, at: node, scope: target.scope, by: actor) }
                if let api = body.api { try await delivery.setAPI(api, at: node, scope: target.scope, by: actor) }
                if let archive = body.archive {
                    try await delivery.setArchive(try archive.map {
                        guard let fileType = InboundFileType(rawValue: $0.fileType ?? "pdf") else { throw Problem.invalid("file_type is pdf, tiff or tiff_hires", field: "archive") }
                        guard let metadata = FaxMetadataFormat(rawValue: $0.metadata ?? "none") else { throw Problem.invalid("metadata is none, xml or json", field: "archive") }
                        return DeliverySettings.ArchiveInput(inbound: $0.inbound ?? true, outbound: $0.outbound ?? false, email: $0.email, sftp: $0.sftp?.input,
                                                             fileType: fileType, metadata: metadata)
                    }, at: node, scope: target.scope, by: actor)
                }
            } catch let error as DeliverySettings.Invalid {
                throw Problem.invalid(error.description)
            }
            return try await resource(target)
        }
        routes.on(.delete, "accounts/:account/inbound-delivery") { request, context, target in
            let names = request.uri.queryParameters["sections"].map { $0.split(separator: ",").map(String.init) }
            var sections: [DeliverySettings.Section] = []
            for name in names ?? DeliverySettings.Section.allCases.map(\.rawValue) {
                guard let section = DeliverySettings.Section(rawValue: name) else {
                    throw Problem.invalid("sections lists email, sftp, https, api or archive, separated by commas", field: "sections")
                }
                sections.append(section)
            }
            for section in sections {
                try await delivery.reset(section, at: target.account.id, scope: target.scope, by: AccountsAPIController.actor(context))
            }
            return try await resource(target)
        }
    }

    private func resource(_ target: AdminTarget) async throws -> Response {
        let e = try await delivery.effective(at: target.account.id, scope: target.scope)
        let node = target.account.id
        typealias Origin = AccountsAPIController.OriginResource
        return try APIJSON.response(Resource(
            emailAddresses: .init(value: e.emailAddresses.value, origin: Origin(e.emailAddresses.origin, node: node)),
            sftp: .init(value: e.sftp.value.map(SFTPResource.init), origin: Origin(e.sftp.origin, node: node)),
            https: .init(value: e.https.value.map { HTTPSResource(url: $0.url, secretSet: !$0.secret.isEmpty) }, origin: Origin(e.https.origin, node: node)),
            api: .init(value: e.api.value, origin: Origin(e.api.origin, node: node)),
            archive: .init(value: e.archive.value.map(ArchiveResource.init), origin: Origin(e.archive.origin, node: node))))
    }

    struct Part<V: Encodable>: Encodable {
        var value: V
        var origin: AccountsAPIController.OriginResource

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(value, forKey: .value)  // null stays in the document: "no route here"
            try c.encode(origin, forKey: .origin)
        }

        enum CodingKeys: String, CodingKey { case value, origin }
    }

    struct SFTPResource: Encodable {
        var host: String
        var port: Int
        var username: String
        var passwordSet: Bool
        var privateKeySet: Bool
        var hostKeySha256: String
        var directory: String
        var fileNameTemplate: String

        init(_ t: InboundSFTPTarget) {
            host = t.host
            port = t.port
            username = t.username
            passwordSet = t.hasPassword
            privateKeySet = t.hasPrivateKey
            hostKeySha256 = t.hostKeySHA256
            directory = t.directory
            fileNameTemplate = t.fileNameTemplate
        }
    }

    struct HTTPSResource: Encodable {
        var url: String
        var secretSet: Bool
    }

    struct ArchiveResource: Encodable {
        var inbound: Bool
        var outbound: Bool
        var email: String?
        var sftp: SFTPResource?
        var fileType: String
        var metadata: String

        init(_ a: FaxArchive) {
            inbound = a.inbound
            outbound = a.outbound
            email = a.email
            sftp = a.sftp.map(SFTPResource.init)
            fileType = a.fileType.rawValue
            metadata = a.metadata.rawValue
        }
    }

    struct Resource: Encodable {
        var emailAddresses: Part<[String]>
        var sftp: Part<SFTPResource?>
        var https: Part<HTTPSResource?>
        var api: Part<Bool>
        var archive: Part<ArchiveResource?>
    }

    struct SFTPBody: Decodable {
        var host: String
        var port: Int?
        var username: String
        var password: String?
        var privateKey: String?
        var hostKeySha256: String
        var directory: String?
        var fileNameTemplate: String?

        var input: DeliverySettings.SFTPInput {
            DeliverySettings.SFTPInput(
                host: host, port: port ?? 22, username: username, password: password, privateKey: privateKey,
                hostKeySHA256: hostKeySha256, directory: directory ?? "", fileNameTemplate: fileNameTemplate ?? "fax-{date}-{time}-{fax_id}")
        }
    }

    struct ArchiveBody: Decodable {
        var inbound: Bool?
        var outbound: Bool?
        var email: String?
        var sftp: SFTPBody?
        var fileType: String?
        var metadata: String?
    }

    struct HTTPSBody: Decodable {
        var url: String
        var secret: String?
    }

    /// Absent parts are nil; a part sent as `null` is `.some(nil)` (turn the route off here).
    struct Body: Decodable {
        var emailAddresses: [String]?
        var sftp: SFTPBody??
        var https: HTTPSBody??
        var api: Bool?
        var archive: ArchiveBody??

        enum CodingKeys: String, CodingKey { case emailAddresses, sftp, https, api, archive }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            emailAddresses = try c.decodeIfPresent([String].self, forKey: .emailAddresses)
            if c.contains(.sftp) { sftp = .some(try c.decodeNil(forKey: .sftp) ? nil : try c.decode(SFTPBody.self, forKey: .sftp)) }
            if c.contains(.https) { https = .some(try c.decodeNil(forKey: .https) ? nil : try c.decode(HTTPSBody.self, forKey: .https)) }
            api = try c.decodeIfPresent(Bool.self, forKey: .api)
            if c.contains(.archive) { archive = .some(try c.decodeNil(forKey: .archive) ? nil : try c.decode(ArchiveBody.self, forKey: .archive)) }
        }
    }
}
