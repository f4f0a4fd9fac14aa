/// A page selection as people type it: `1-3,5`, `2`, or empty for every page.
struct PageRange: Sendable, Equatable {
    /// Page numbers from 1, ascending, without repeats.
    let pages: [Int]

    /// Parses `text` for a document of `pageCount` pages; nil when it names a page that does not exist or is not a range.
    init?(_ text: String, pageCount: Int) {
        let text = text.replacingOccurrences(of: " ", with: "")
        guard !text.isEmpty else {
            pages = Array(1...max(pageCount, 1)).filter { $0 <= pageCount }
            return
        }
        guard text.count <= 200 else { return nil }
        var selected = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]), let high = Int(bounds.last!),
                  low >= 1, low <= high, high <= pageCount else { return nil }
            selected.formUnion(low...high)
        }
        pages = selected.sorted()
    }
}
