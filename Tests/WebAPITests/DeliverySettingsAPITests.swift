import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing

/// `/v1/accounts/{id}/inbound-delivery`: an administrator sets where received faxes go; the
/// credentials are sealed in MariaDB, write-only in the API, kept when left out, and opened
/// only by delivery.
@Suite("Inbound delivery settings API")
struct DeliverySettingsAPITests {
    static let sftp = #"{"sftp":{"host":"sftp.clinic-a.test","port":2222,"username":"faxes","password":"sftp-Password-1","host_key_sha256":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU","directory":"/in","file_name_template":"fax-{fax_id}"}}"#

    /// Every operation with its answers, for the OpenAPI coverage test.
    static func exerciseAll(_ f: APIFixture, _ client: any TestClientProtocol) async throws {
        let path = "/v1/accounts/\(f.companyA.id)/inbound-delivery"
        #expect(try await client.call(.get, path, token: f.adminAToken).status == .ok)
        #expect(try await client.call(.put, path, token: f.adminAToken, json: sftp).status == .ok)
        #expect(try await client.call(.put, path, token: f.adminAToken, json: #"{"https":{"url":"http://plain.test/in","secret":"0123456789abcdef"}}"#).status == .unprocessableContent)
        #expect(try await client.call(.put, path, token: f.adminAToken, json: "{").status == .badRequest)
        #expect(try await client.call(.get, path, token: f.aliceToken).status == .forbidden)
        #expect(try await client.call(.get, "/v1/accounts/\(f.companyB.id)/inbound-delivery", token: f.adminAToken).status == .notFound)
        #expect(try await client.call(.delete, path + "?sections=sftp", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.delete, path + "?sections=fax", token: f.adminAToken).status == .unprocessableContent)
    }

    @Test func routesAreSetWithSecretsSealedWriteOnlyAndKeptWhenLeftOut() async throws {
        try await APIFixture.with { f, client in
            // setup
            let path = "/v1/accounts/\(f.companyA.id)/inbound-delivery"
            let transit = f.vault.documents.transit
            // act: every route at the company
            let set = try await client.call(.put, path, token: f.adminAToken, json: #"""
                {"email_addresses":["front@clinic-a.test","records@clinic-a.test"],"api":true,
                 "https":{"url":"https://hooks.clinic-a.test/faxes","secret":"https-Secret-0123456789"},
                 "sftp":{"host":"sftp.clinic-a.test","username":"faxes","password":"sftp-Password-1","host_key_sha256":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}}
                """#)
            // check: the answer shows every route, no secret
            #expect(set.status == .ok)
            let text = String(buffer: set.body)
            #expect(!text.contains("sftp-Password-1") && !text.contains("https-Secret-0123456789") && !text.contains("pwsealed"))
            let sftp = try #require((set.object["sftp"] as? [String: Any])?["value"] as? [String: Any])
            #expect(sftp["password_set"] as? Bool == true && sftp["private_key_set"] as? Bool == false && sftp["port"] as? Int == 22)
            #expect(((set.object["https"] as? [String: Any])?["value"] as? [String: Any])?["secret_set"] as? Bool == true)
            #expect((set.object["email_addresses"] as? [String: Any])?["value"] as? [String] == ["front@clinic-a.test", "records@clinic-a.test"])
            #expect(((set.object["api"] as? [String: Any])?["origin"] as? [String: Any])?["source"] as? String == "here")
            // check: MariaDB holds them sealed, and they open to what was sent
            let rows = try await f.database.query("SELECT setting_key, value_json FROM account_settings WHERE account_id = ?", f.companyA.id)
            let stored = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.get("setting_key", as: String.self), try $0.get("value_json", as: String.self)) })
            for json in stored.values { #expect(!json.contains("sftp-Password-1") && !json.contains("https-Secret-0123456789")) }
            let storedSFTP = try JSONDecoder().decode(InboundSFTPTarget.self, from: Data(try #require(stored["inbound.sftp"]).utf8))
            #expect(SettingSecret.isSealed(storedSFTP.password ?? ""))
            #expect(try storedSFTP.opened(as: "inbound.sftp", transit: transit).password == "sftp-Password-1")
            let storedHTTPS = try JSONDecoder().decode(InboundHTTPSTarget.self, from: Data(try #require(stored["inbound.https"]).utf8))
            #expect(try storedHTTPS.opened(as: "inbound.https", transit: transit).secret == "https-Secret-0123456789")
            // a sealed value moved to another field does not open
            #expect(throws: SettingSecret.Unreadable.self) { try SettingSecret.open(storedSFTP.password!, field: "inbound.https.secret", transit: transit) }

            // act: a new directory without the password, the same site: the stored password stays
            let moved = try await client.call(.put, path, token: f.adminAToken, json: #"""
                {"sftp":{"host":"sftp.clinic-a.test","username":"faxes","host_key_sha256":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU","directory":"/new"}}
                """#)
            #expect(moved.status == .ok)
            let kept = try #require(try await SettingsRepository(database: f.database).effective(Settings.inboundSFTP, forAccount: f.companyA.id, scope: f.platform.scope).value)
            #expect(kept.directory == "/new")
            #expect(try kept.opened(as: "inbound.sftp", transit: transit).password == "sftp-Password-1")
            // another host without credentials is refused: nothing to keep
            let otherHost = try await client.call(.put, path, token: f.adminAToken, json: #"""
                {"sftp":{"host":"elsewhere.test","username":"faxes","host_key_sha256":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}}
                """#)
            #expect(otherHost.status == .unprocessableContent)

            // check: the department below inherits every route; null turns SFTP off there
            let below = try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/inbound-delivery", token: f.adminAToken)
            #expect(((below.object["sftp"] as? [String: Any])?["origin"] as? [String: Any])?["source"] as? String == "inherited")
            let off = try await client.call(.put, "/v1/accounts/\(f.departmentA.id)/inbound-delivery", token: f.adminAToken, json: #"{"sftp":null}"#)
            #expect(off.status == .ok)
            #expect((off.object["sftp"] as? [String: Any])?["value"] is NSNull)
            let reset = try await client.call(.delete, "/v1/accounts/\(f.departmentA.id)/inbound-delivery?sections=sftp", token: f.adminAToken)
            #expect(((reset.object["sftp"] as? [String: Any])?["origin"] as? [String: Any])?["source"] as? String == "inherited")

            // the company archive: sent and received faxes as TIFF to an SFTP site, its password sealed like the route's
            let archived = try await client.call(.put, path, token: f.adminAToken, json: #"""
                {"archive":{"inbound":true,"outbound":true,"file_type":"tiff","metadata":"json",
                 "sftp":{"host":"archive.clinic-a.test","username":"vault","password":"archive-Password-2","host_key_sha256":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}}}
                """#)
            #expect(archived.status == .ok && !String(buffer: archived.body).contains("archive-Password-2"))
            let archive = try #require((archived.object["archive"] as? [String: Any])?["value"] as? [String: Any])
            #expect(archive["outbound"] as? Bool == true && archive["file_type"] as? String == "tiff")
            #expect((archive["sftp"] as? [String: Any])?["password_set"] as? Bool == true)
            let storedArchive = try #require(try await SettingsRepository(database: f.database).effective(Settings.archive, forAccount: f.companyA.id, scope: f.platform.scope).value)
            #expect(SettingSecret.isSealed(storedArchive.sftp?.password ?? ""))
            #expect(try storedArchive.sftp?.opened(as: "archive.sftp", transit: transit).password == "archive-Password-2")
            // an archive with neither an address nor a site, or an unknown file type, is refused
            #expect(try await client.call(.put, path, token: f.adminAToken, json: #"{"archive":{"inbound":true}}"#).status == .unprocessableContent)
            #expect(try await client.call(.put, path, token: f.adminAToken, json: #"{"archive":{"email":"a@x.test","file_type":"gif"}}"#).status == .unprocessableContent)
            #expect(try await client.call(.put, path, token: f.adminAToken, json: #"{"archive":null}"#).object["archive"] as? [String: Any] != nil)
        }
    }

    @Test func badRoutesAreRefusedAndNothingChanges() async throws {
        try await APIFixture.with { f, client in
            let path = "/v1/accounts/\(f.companyA.id)/inbound-delivery"
            let refusals = [
                #"{"email_addresses":["a@x.test","b@x.test","c@x.test","d@x.test"]}"#,
                #"{"email_addresses":["not an address"]}"#,
                #"{"https":{"url":"https://hooks.test/in","secret":"short"}}"#,
                #"{"https":{"url":"https://hooks.test/in"}}"#,
                #"{"https":{"url":"ftp://hooks.test/in","secret":"0123456789abcdef"}}"#,
                #"{"sftp":{"host":"a/b","username":"u","password":"p","host_key_sha256":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}}"#,
                #"{"sftp":{"host":"h.test","username":"u","password":"p","host_key_sha256":"MD5:aa"}}"#,
                #"{"sftp":{"host":"h.test","port":70000,"username":"u","password":"p","host_key_sha256":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}}"#,
                #"{"sftp":{"host":"h.test","username":"u","password":"p","host_key_sha256":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU","directory":"../../etc"}}"#,
            ]
            for body in refusals {
                let response = try await client.call(.put, path, token: f.adminAToken, json: body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await client.call(.put, path, token: f.adminAToken, json: #"{"sftp":"yes"}"#).status == .badRequest)
            #expect(try await client.call(.put, path, token: f.adminAToken, json: String(repeating: "[", count: 10_000)).status == .badRequest)
            let count = try await f.database.query("SELECT COUNT(*) AS n FROM account_settings WHERE account_id = ?", f.companyA.id)
            #expect(try count[0].get("n", as: Int64.self) == 0)
            // plain users and other tenants
            #expect(try await client.call(.put, path, token: f.aliceToken, json: #"{"api":true}"#).status == .forbidden)
            #expect(try await client.call(.put, path, token: f.bobToken, json: #"{"api":true}"#).status == .notFound)
        }
    }

    @Test func clearCredentialsFromBeforeSealingAreSealedByTheStartUpSweep() async throws {
        try await APIFixture.with { f, _ in
            // setup: rows written in clear, as before sealing (and as tools without the key would)
            let settings = SettingsRepository(database: f.database)
            let target = InboundSFTPTarget(host: "h.test", username: "u", password: "clear-Password-9", hostKeySHA256: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")
            try await settings.set(Settings.inboundSFTP, to: target, forUser: f.alice.id, scope: f.platform.scope)
            try await settings.set(Settings.archive, to: FaxArchive(sftp: target), atAccount: f.companyA.id, scope: f.platform.scope)
            try await settings.set(Settings.inboundHTTPS, to: InboundHTTPSTarget(url: "https://h.test/in", secret: "clear-Secret-0123456789"),
                                   atAccount: f.companyA.id, scope: f.platform.scope)
            let transit = f.vault.documents.transit
            // act
            let sealed = try await settings.sealClearSecrets(transit: transit)
            let again = try await settings.sealClearSecrets(transit: transit)
            // check
            #expect(sealed == 3 && again == 0)
            let all = try await f.database.query("SELECT value_json FROM account_settings UNION ALL SELECT value_json FROM user_settings")
            for row in all { #expect(!(try row.get("value_json", as: String.self)).contains("clear-")) }
            let user = try #require(try await settings.effective(Settings.inboundSFTP, forUser: f.alice.id).value)
            #expect(try user.opened(as: "inbound.sftp", transit: transit).password == "clear-Password-9")
            let archive = try #require(try await settings.effective(Settings.archive, forAccount: f.companyA.id, scope: f.platform.scope).value?.sftp)
            #expect(try archive.opened(as: "archive.sftp", transit: transit).password == "clear-Password-9")
        }
    }
}
