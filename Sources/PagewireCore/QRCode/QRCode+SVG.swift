extension QRCode {
    /// The symbol as an inline SVG element: a white square with a quiet zone of `quietZone`
    /// modules and one black path made of the dark runs of each row, in user units of one
    /// module (the element's pixel size is `moduleSize` per module; CSS may scale it).
    /// `label` becomes the accessible name; it is escaped here.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, label: String = "QR code") -> String {
        let side = size + 2 * quietZone
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else { x += 1; continue }
                var run = 1
                while x + run < size, self[x + run, y] { run += 1 }
                path += "M\(x + quietZone) \(y + quietZone)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let pixels = side * moduleSize
        return ##"<svg xmlns="http://www.w3.org/2000/svg" class="qr-code" viewBox="0 0 \##(side) \##(side)" width="\##(pixels)" "##
            + ##"height="\##(pixels)" role="img" aria-label="\##(Self.escapeXML(label))" shape-rendering="crispEdges">"##
            + ##"<rect width="\##(side)" height="\##(side)" fill="#fff"/><path fill="#000" d="\##(path)"/></svg>"##
    }

    private static func escapeXML(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
