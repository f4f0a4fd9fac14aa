/// Pages of a fax as people name them, in the portal and in `/v1` alike: `3`, `2-4`, `2-` (to
/// the end) and lists of these, `1-3,5`. Empty text selects every page.
struct FaxPageSelection: Sendable, Equatable {
    /// One piece of the list: a page or a range; `last` nil runs to the end.
    struct Part: Sendable, Equatable {
        var first: Int
        var last: Int?
    }

    /// Why text is not a selection, in words for the person who typed it.
    struct Invalid: Error, Equatable {
        let reason: String
    }

    /// The pieces as typed; empty for every page.
    let parts: [Part]

    /// Parses `text` without knowing the document: the syntax and page numbers from 1.
    init(parsing text: String) throws(Invalid) {
        let text = text.replacingOccurrences(of: " ", with: "")
        guard text.count <= 200 else { throw Invalid(reason: "the page selection is longer than 200 characters") }
        guard !text.isEmpty else {
            parts = []
            return
        }
        var parts: [Part] = []
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = piece.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard let first = Self.page(bounds[0]) else {
                throw Invalid(reason: "\"\(piece)\" is not a page or a range like 2-3 (pages count from 1)")
            }
            if bounds.count == 1 {
                parts.append(Part(first: first, last: first))
            } else if bounds[1].isEmpty {
                parts.append(Part(first: first, last: nil))
            } else {
                guard let last = Self.page(bounds[1]) else {
                    throw Invalid(reason: "\"\(piece)\" is not a page or a range like 2-3 (pages count from 1)")
                }
                guard last >= first else { throw Invalid(reason: "\(piece): the range ends before it starts") }
                parts.append(Part(first: first, last: last))
            }
        }
        self.parts = parts
    }

    private static func page(_ text: Substring) -> Int? {
        guard text.count <= 5, let n = Int(text), n >= 1 else { return nil }
        return n
    }

    /// Whether every page is selected without naming any.
    var isEverything: Bool { parts.isEmpty }

    /// The selected page numbers of a document of `pageCount` pages, ascending and without
    /// repeats; throws when a named page is not in the document.
    func pages(of pageCount: Int) throws(Invalid) -> [Int] {
        guard !parts.isEmpty else { return pageCount > 0 ? Array(1...pageCount) : [] }
        var selected = Set<Int>()
        for part in parts {
            let last = part.last ?? pageCount
            guard part.first <= pageCount, last <= pageCount else {
                throw Invalid(reason: "the fax has \(pageCount) page(s); \(part.first)-\(last) are not all there")
            }
            selected.formUnion(part.first...last)
        }
        return selected.sorted()
    }

    /// How a file of `pages` out of `pageCount` is named after its pages: empty for the whole
    /// document, `-page-3`, `-pages-2-3`, or `-pages-1-3_5` for a list.
    static func fileSuffix(_ pages: [Int], of pageCount: Int) -> String {
        guard pages.count != pageCount else { return "" }
        guard pages.count > 1 else { return "-page-\(pages.first ?? 1)" }
        var runs: [String] = []
        var start = pages[0], previous = start
        for page in pages.dropFirst() + [Int.max] {
            if page == previous + 1 {
                previous = page
                continue
            }
            runs.append(start == previous ? "\(start)" : "\(start)-\(previous)")
            start = page
            previous = page
        }
        return "-pages-" + runs.joined(separator: "_")
    }
}
