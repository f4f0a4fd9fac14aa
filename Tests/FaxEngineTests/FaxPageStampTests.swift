import FaxEngine
import Testing

@Suite("Header/footer stamp")
struct FaxPageStampTests {
    /// Black pixels in rows `range` of `page`.
    static func black(_ page: FaxPage, rows range: Range<Int>) -> Int {
        page.bits[(range.lowerBound * page.bytesPerRow)..<(range.upperBound * page.bytesPerRow)].reduce(0) { $0 + $1.nonzeroBitCount }
    }

    @Test func headerAndFooterTextLandInTheirMarginOnly() throws {
        // setup: a fine page with a block in the middle, and one in the top margin the header must clear
        var page = FaxPage(height: 2200, xDPI: 204, yDPI: 196)
        for y in 1000..<1100 { for x in 300..<900 { page[x, y] = true } }
        for y in 2..<6 { for x in 1500..<1700 { page[x, y] = true } }
        // act
        let header = try FaxPageStamp.stamp("Received 2026-12-01 08:00 from +1 (206) 555-0199 page 1 of 2", on: page, at: .top)
        let footer = try FaxPageStamp.stamp("Fax 77", on: page, at: .bottom)
        // check: text in the top ~32 rows (0.16 inch at 196 dpi), the body untouched, the old margin mark cleared
        #expect(Self.black(header, rows: 0..<32) > 300)
        #expect(Self.black(header, rows: 32..<2200) == Self.black(page, rows: 32..<2200))
        #expect((1500..<1700).allSatisfy { !header[$0, 3] })
        #expect(Self.black(footer, rows: 2168..<2200) > 50)
        #expect(Self.black(footer, rows: 0..<2168) == Self.black(page, rows: 0..<2168))
        // a longer text marks more pixels than a shorter one (it is text, not a bar)
        #expect(Self.black(header, rows: 0..<32) > Self.black(footer, rows: 2168..<2200))
    }

    @Test func standardResolutionPagesGetAStripOfTheSameHeight() throws {
        let page = FaxPage(height: 1100, xDPI: 204, yDPI: 98)
        let stamped = try FaxPageStamp.stamp("Page 1", on: page, at: .top)
        #expect(Self.black(stamped, rows: 0..<16) > 0)
        #expect(Self.black(stamped, rows: 16..<1100) == 0)
    }
}
