import Foundation

/// A named set of contacts of an account, usable as one recipient.
public struct ContactGroup: Sendable, Equatable {
    public let id: Int64
    /// The company or department it belongs to.
    public let accountID: Int64
    public var name: String
    /// Members inside the caller's scope.
    public let memberCount: Int
}
