import Foundation

/// The cover page a sender asked for. Its words are content like any attachment (a subject or
/// message may name a patient), so they are stored as an encrypted vault document with role
/// `cover` of each fax, never in a clear column; rendering reads them back through the transit copy.
public struct CoverPageRequest: Sendable, Equatable, Codable {
    /// The media type of the stored JSON.
    public static let contentType = "application/vnd.pagewire.cover+json"

    /// Template name (`Resources/Templates/coverpages/<template>.coverpage`).
    public var template: String
    /// Subject line.
    public var subject: String?
    /// Free text for the message area.
    public var message: String?
    /// Who the fax is for ("Dr. Jones, Cardiology").
    public var recipientName: String?
    /// The sender's name as they gave it (an e-mail's From name); nil uses the user's name.
    public var senderName: String?

    /// A cover page request; empty strings count as absent.
    public init(template: String = "plain", subject: String? = nil, message: String? = nil, recipientName: String? = nil,
                senderName: String? = nil) {
        self.template = template
        self.subject = subject.flatMap { $0.isEmpty ? nil : $0 }
        self.message = message.flatMap { $0.isEmpty ? nil : $0 }
        self.recipientName = recipientName.flatMap { $0.isEmpty ? nil : $0 }
        self.senderName = senderName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Why the request cannot be used, or nil.
    public var problem: String? {
        guard !template.isEmpty, template.count <= 64,
              template.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" })
        else { return "cover page template names use a-z, 0-9, '-' and '_' (at most 64)" }
        if (subject?.count ?? 0) > 200 { return "the cover page subject is longer than 200 characters" }
        if (message?.count ?? 0) > 5000 { return "the cover page message is longer than 5000 characters" }
        if (recipientName?.count ?? 0) > 200 { return "the cover page recipient name is longer than 200 characters" }
        if (senderName?.count ?? 0) > 200 { return "the cover page sender name is longer than 200 characters" }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case template, subject, message
        case recipientName = "recipient_name"
        case senderName = "sender_name"
    }

    /// The bytes stored in the vault.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// A request read back from the vault.
    public static func decoded(from bytes: [UInt8]) throws -> CoverPageRequest {
        try JSONDecoder().decode(CoverPageRequest.self, from: Data(bytes))
    }
}
