import Foundation

/// Reads what tests receive by e-mail: the base64 attachments of a multipart message, by file
/// name, and the page count of an attached PDF.
public enum MailAttachments {
    /// The attachments of `data` (a whole RFC 5322 message with one multipart boundary), by file name.
    public static func parse(_ data: String) -> [String: [UInt8]] {
        let text = data.replacingOccurrences(of: "\r\n", with: "\n")
        guard let b = text.range(of: "boundary=\"") else { return [:] }
        let boundary = String(text[b.upperBound...].prefix(while: { $0 != "\"" }))
        var files: [String: [UInt8]] = [:]
        for part in text.components(separatedBy: "--" + boundary) {
            guard let name = part.range(of: "filename=\"") else { continue }
            let filename = String(part[name.upperBound...].prefix(while: { $0 != "\"" }))
            guard let bodyStart = part.range(of: "\n\n") else { continue }
            let body = part[bodyStart.upperBound...].filter { !$0.isWhitespace }
            files[filename] = Data(base64Encoded: String(body)).map(Array.init) ?? []
        }
        return files
    }

    /// Pages in a PDF: its `/Type /Page` objects (not `/Pages`).
    public static func pdfPageCount(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        var count = 0
        var rest = text[...]
        while let range = rest.range(of: "/Type") {
            var after = rest[range.upperBound...].drop(while: { $0 == " " || $0 == "\n" || $0 == "\r" })
            if after.hasPrefix("/Page") {
                after = after.dropFirst(5)
                if !after.hasPrefix("s") { count += 1 }
            }
            rest = rest[range.upperBound...]
        }
        return count
    }
}
