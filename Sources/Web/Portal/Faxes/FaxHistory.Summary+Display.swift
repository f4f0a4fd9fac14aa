import PagewireCore

/// How a fax's status reads in the outbox, the inbox and on its page; the live status answer
/// uses the same words, so a script's update looks exactly like a reload.
extension FaxHistory.Summary {
    var isOutbound: Bool { direction == "outbound" }

    /// "retry wait", "delivered" … (bytes swapped, not `replacingOccurrences`: every row of a list calls it)
    var stateText: String {
        String(decoding: state.rawValue.utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// The result's label in a list ("" while there is none).
    var resultText: String { resultCode?.title ?? "" }

    /// The result on the fax's page, with its code.
    var resultLongText: String { resultCode.map { "\($0.title) (\($0.rawValue))" } ?? "–" }

    /// Pages in a list: "sent/total" for sent faxes.
    var pagesText: String {
        isOutbound ? "\(pagesSent)/\(pages.map(String.init) ?? "–")" : pages.map(String.init) ?? "–"
    }

    /// Pages on the fax's page.
    var pagesLongText: String {
        isOutbound ? "\(pagesSent) of \(pages.map(String.init) ?? "–") sent" : pages.map(String.init) ?? "–"
    }

    /// Attempts on the fax's page, out of the fax's limit.
    func attemptsLongText(maxAttempts: Int) -> String { "\(attempts) of \(maxAttempts)" }
}
