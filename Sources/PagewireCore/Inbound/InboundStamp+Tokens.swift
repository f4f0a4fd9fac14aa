import Foundation

extension InboundStamp {
    /// The tokens a stamp may use, in the order the Custom tab lists them.
    public static let tokens = ["received", "caller", "called", "page", "pages", "fax_id"]

    /// Why `text` is not a usable stamp (a brace left open, an unknown token), or nil.
    public static func tokenProblem(in text: String) -> String? {
        var rest = Substring(text)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{" else { return "a } without its { (tokens look like {received})" }
            guard let close = rest[rest.index(after: open)...].firstIndex(where: { $0 == "}" || $0 == "{" }), rest[close] == "}" else {
                return "a token opened with { is not closed (tokens look like {received})"
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard tokens.contains(name) else {
                return "{\(name)} is not a token; use " + tokens.map { "{\($0)}" }.joined(separator: ", ")
            }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    /// The sample received fax the header/footer preview fills the tokens from: three pages from
    /// a made-up caller to `calledNumber`, received at `now` (shown in the account's time zone).
    public static func sampleFax(calledNumber: String = "+12065550100", now: Date = Date()) -> InboundFax {
        InboundFax(id: 123_456, companyID: 0, accountID: 0, accountPath: "", userID: nil, queueName: nil, state: .received, partial: false,
                   pages: 3, calledNumber: calledNumber, callerNumber: "+13125550199", receivedAt: now, resultCode: .ok, remoteCSID: "SAMPLE",
                   deliveryRound: 0, acknowledgedAt: nil, receivedDocumentID: nil, deliveryTIFFID: nil, deliveryPDFID: nil)
    }
}
