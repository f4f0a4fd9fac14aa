import Foundation

/// A received fax as delivery sees it: who owns it, what arrived, and its documents.
public struct InboundFax: Sendable, Equatable {
    public var id: Int64
    /// `inbound`; `outbound` for a sent fax on its way to the company archive (then `calledNumber`
    /// is the destination, `callerNumber` the caller id, and the document the rendered pages).
    public var direction = "inbound"
    public var companyID: Int64
    public var accountID: Int64
    /// The owner account's path (settings are inherited along it).
    public var accountPath: String
    /// The number's user, or nil for a shared queue.
    public var userID: Int64?
    public var queueName: String?
    public var state: FaxState
    /// Reception ended early: pages may be missing.
    public var partial: Bool
    public var pages: Int
    /// The number called (ours).
    public var calledNumber: String
    /// The caller's number (may be empty).
    public var callerNumber: String
    public var receivedAt: Date
    public var resultCode: ResultCode?
    /// The sending machine's identifier (T.30 TSI), if it sent one.
    public var remoteCSID: String?
    /// The delivery round under way or last finished (0: never delivered).
    public var deliveryRound: Int
    public var acknowledgedAt: Date?
    /// The received TIFF as it arrived.
    public var receivedDocumentID: Int64?
    /// The stamped TIFF made for delivery (nil until the first round prepared it).
    public var deliveryTIFFID: Int64?
    /// The PDF of the stamped pages.
    public var deliveryPDFID: Int64?

    /// A fax from its parts (the repository reads them from `faxes`).
    public init(id: Int64, companyID: Int64, accountID: Int64, accountPath: String, userID: Int64?, queueName: String?, state: FaxState,
                partial: Bool, pages: Int, calledNumber: String, callerNumber: String, receivedAt: Date, resultCode: ResultCode?,
                remoteCSID: String?, deliveryRound: Int, acknowledgedAt: Date?, receivedDocumentID: Int64?, deliveryTIFFID: Int64?,
                deliveryPDFID: Int64?) {
        self.id = id
        self.companyID = companyID
        self.accountID = accountID
        self.accountPath = accountPath
        self.userID = userID
        self.queueName = queueName
        self.state = state
        self.partial = partial
        self.pages = pages
        self.calledNumber = calledNumber
        self.callerNumber = callerNumber
        self.receivedAt = receivedAt
        self.resultCode = resultCode
        self.remoteCSID = remoteCSID
        self.deliveryRound = deliveryRound
        self.acknowledgedAt = acknowledgedAt
        self.receivedDocumentID = receivedDocumentID
        self.deliveryTIFFID = deliveryTIFFID
        self.deliveryPDFID = deliveryPDFID
    }

    static let columns = """
        f.id, f.company_id, f.account_id, a.path, f.user_id, f.queue_name, f.state, f.partial, f.pages, f.local_number, f.remote_number,
        f.created_at, f.result_code, f.delivery_round, f.acknowledged_at,
        (SELECT t.remote_csid FROM fax_attempts t WHERE t.fax_id = f.id ORDER BY t.n DESC LIMIT 1) AS remote_csid,
        (SELECT d.document_id FROM fax_documents d WHERE d.fax_id = f.id AND d.role = 'received' ORDER BY d.n LIMIT 1) AS received_doc,
        (SELECT d.document_id FROM fax_documents d WHERE d.fax_id = f.id AND d.role = 'delivery' AND d.n = 1) AS delivery_tiff,
        (SELECT d.document_id FROM fax_documents d WHERE d.fax_id = f.id AND d.role = 'delivery' AND d.n = 2) AS delivery_pdf
        """

    init(row: SQLRow) throws {
        id = try row.get("id")
        companyID = try row.get("company_id")
        accountID = try row.get("account_id")
        accountPath = try row.get("path")
        userID = try row.optional("user_id")
        queueName = try row.optional("queue_name")
        state = FaxState(rawValue: try row.get("state")) ?? .failed
        partial = try row.get("partial")
        pages = try row.optional("pages") ?? 0
        calledNumber = try row.optional("local_number") ?? ""
        callerNumber = try row.get("remote_number")
        receivedAt = try row.get("created_at")
        resultCode = try row.optional("result_code", as: String.self).flatMap(ResultCode.init(rawValue:))
        deliveryRound = try row.get("delivery_round")
        acknowledgedAt = try row.optional("acknowledged_at")
        remoteCSID = try row.optional("remote_csid")
        receivedDocumentID = try row.optional("received_doc")
        deliveryTIFFID = try row.optional("delivery_tiff")
        deliveryPDFID = try row.optional("delivery_pdf")
    }
}
