import PagewireCore

extension FaxPageStamp {
    /// The header/footer of an account (`Settings.inboundStamp`) on received pages: the first
    /// page or every page, tokens filled from `fax` in the owner's time zone and formats. Inbound
    /// delivery and the Custom tab's preview both stamp through here, so the preview shows what
    /// delivery will produce.
    public static func stamp(_ pages: [FaxPage], with stamp: InboundStamp, fax: InboundFax, options: InboundDeliveryOptions) throws(StampError) -> [FaxPage] {
        var out: [FaxPage] = []
        out.reserveCapacity(pages.count)
        for (index, page) in pages.enumerated() {
            guard index == 0 || stamp.pages == .every else { out.append(page); continue }
            let text = InboundTokens.stamp(stamp.text, fax: fax, options: options, page: index + 1)
            out.append(try Self.stamp(text, on: page, at: stamp.position == .header ? .top : .bottom))
        }
        return out
    }
}
