import Foundation

/// A fax contact of an account (company or department).
public struct Contact: Sendable, Equatable {
    public let id: Int64
    public let accountID: Int64
    public var firstName: String
    public var lastName: String
    /// E.164, e.g. `+12065550100`.
    public var faxNumber: String
    public var email: String?
    public var company: String?
    /// Custom fields by name (CSV columns the importer does not know).
    public var custom: [String: String]
}
