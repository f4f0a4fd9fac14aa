/// The answer to one RCPT TO.
public enum RecipientCheck: Sendable, Equatable {
    /// A fax address of an active company that can store documents.
    case accepted(FaxMailAddress, companyID: Int64)
    /// Refused for good (550), with the reason for the sender.
    case rejected(String)
}
