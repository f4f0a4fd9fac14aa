import Foundation

/// A signed-in portal user, read from a `portal_sessions` row on every request.
public struct PortalSession: Sendable, Equatable {
    public let user: User
    /// The account node the user belongs to.
    public let account: Account
    /// The anti-forgery token every form of this session must send back.
    public let csrfToken: String
    /// The part of the tree whose faxes, contacts and documents the user may see: their
    /// highest admin grant, or their own account node.
    public let scope: AccountScope
    /// True for plain users, who see only their own faxes inside `scope`.
    public let ownFaxesOnly: Bool
    /// The company the user belongs to (nil for platform or reseller staff).
    public let companyID: Int64?
    /// Idle timeout of this session, from the security policy when it was created.
    public let idleTimeoutSeconds: Int
    /// False while the session may only change an expired password.
    public let mustChangePassword: Bool
    /// True while the session waits for the second sign-in step (TOTP of platform and reseller staff).
    public var needsSecondFactor: Bool = false
}
