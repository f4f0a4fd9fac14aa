import Foundation

/// How the portal (and the e-mails sent for an account) look on one domain: ICTFax "Branding".
public struct Brand: Sendable, Equatable, Codable {
    /// The reseller or company whose brand this is; nil for the platform's own.
    public var accountID: Int64?
    public var name: String
    public var pageTitle: String
    public var logoURL: String?
    public var footerText: String
    /// `#rrggbb`
    public var primaryColour: String
    /// `#rrggbb`
    public var accentColour: String
    public var supportEmail: String?

    public init(accountID: Int64?, name: String, pageTitle: String, logoURL: String?, footerText: String,
                primaryColour: String, accentColour: String, supportEmail: String?) {
        self.accountID = accountID
        self.name = name
        self.pageTitle = pageTitle
        self.logoURL = logoURL
        self.footerText = footerText
        self.primaryColour = primaryColour
        self.accentColour = accentColour
        self.supportEmail = supportEmail
    }

    /// The brand of hosts nobody configured.
    public static let platformDefault = Brand(
        accountID: nil, name: "Pagewire", pageTitle: "Pagewire Cloud Fax", logoURL: nil,
        footerText: "Pagewire — open-source cloud fax", primaryColour: "#1f4e79", accentColour: "#f0a500", supportEmail: nil)

    /// Why the brand cannot be saved, or nil. Colours must be `#rrggbb` (they go into CSS) and a
    /// logo must be an https or site-relative URL.
    public var problem: String? {
        let colour = #/^#[0-9a-fA-F]{6}$/#
        if name.isEmpty || name.count > 200 { return "the brand name has 1 to 200 characters" }
        if pageTitle.isEmpty || pageTitle.count > 200 { return "the page title has 1 to 200 characters" }
        if footerText.count > 500 { return "the footer has at most 500 characters" }
        if (try? colour.wholeMatch(in: primaryColour)) == nil || (try? colour.wholeMatch(in: accentColour)) == nil {
            return "colours are written #rrggbb"
        }
        if let logoURL, !(logoURL.hasPrefix("https://") || (logoURL.hasPrefix("/") && !logoURL.hasPrefix("//"))) {
            return "the logo must be an https:// or site-relative address"
        }
        return nil
    }
}
