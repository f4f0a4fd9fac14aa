import Foundation

/// A document of the library: stored once with a title and a quality, picked again when sending.
public struct LibraryDocument: Sendable, Equatable {
    /// The library entry's id (what the portal shows in URLs).
    public let id: Int64
    /// The company or department it is filed under.
    public let accountID: Int64
    /// The company whose vault holds the content.
    public let companyID: Int64
    /// Who uploaded it, while that user exists.
    public let userID: Int64?
    /// The vault document with the content (kind `original`).
    public let documentID: Int64
    /// What the user calls it.
    public var title: String
    /// The name of the uploaded file (for downloads and the renderer's office formats).
    public let fileName: String
    /// The media type the content was stored under.
    public let contentType: String
    /// The resolution it is faxed at by default.
    public let quality: FaxQuality
    /// Fax pages at that quality, counted when it was stored.
    public let pages: Int
    /// Size of the uploaded file.
    public let byteCount: Int
    /// When it was uploaded.
    public let createdAt: Date

    static let columns = """
        l.id, l.account_id, l.company_id, l.user_id, l.document_id, l.title, l.file_name, d.content_type, l.quality, l.pages,
        l.byte_count, l.created_at
        """

    init(row: SQLRow) throws {
        id = try row.get("id")
        accountID = try row.get("account_id")
        companyID = try row.get("company_id")
        userID = try row.optional("user_id")
        documentID = try row.get("document_id")
        title = try row.get("title")
        fileName = try row.get("file_name")
        contentType = try row.get("content_type")
        quality = FaxQuality(rawValue: try row.get("quality")) ?? .fine
        pages = try row.get("pages")
        byteCount = try row.get("byte_count")
        createdAt = try row.get("created_at")
    }
}
