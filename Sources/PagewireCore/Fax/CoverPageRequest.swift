/// The cover page a sender asked for; stored per fax in `fax_cover_pages` and read by rendering.
public struct CoverPageRequest: Sendable, Equatable, Codable {
    /// Template name (`Resources/Templates/coverpages/<template>.coverpage`).
    public var template: String
    /// Subject line.
    public var subject: String?
    /// Free text for the message area.
    public var message: String?
    /// Who the fax is for ("Dr. Jones, Cardiology").
    public var recipientName: String?

    /// A cover page request; empty strings count as absent.
    public init(template: String = "plain", subject: String? = nil, message: String? = nil, recipientName: String? = nil) {
        self.template = template
        self.subject = subject.flatMap { $0.isEmpty ? nil : $0 }
        self.message = message.flatMap { $0.isEmpty ? nil : $0 }
        self.recipientName = recipientName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Why the request cannot be used, or nil.
    public var problem: String? {
        guard !template.isEmpty, template.count <= 64,
              template.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" })
        else { return "cover page template names use a-z, 0-9, '-' and '_' (at most 64)" }
        if (subject?.count ?? 0) > 200 { return "the cover page subject is longer than 200 characters" }
        if (message?.count ?? 0) > 5000 { return "the cover page message is longer than 5000 characters" }
        if (recipientName?.count ?? 0) > 200 { return "the cover page recipient name is longer than 200 characters" }
        return nil
    }
}
