import Foundation

/// Decides from its first bytes whether an upload is a document the renderer accepts, so a
/// submission with an unusable file is refused at once (`invalid_attachment`) with nothing created.
/// Mirrors the accept-list of FaxEngine's `DocumentKind.detect`; the renderer checks again.
enum AttachmentSniffer {
    /// The media type to store the upload under, or nil when it is refused.
    static func mediaType(of bytes: [UInt8], filename: String?) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && bytes.prefix(prefix.count).elementsEqual(prefix) }
        let ext = ((filename ?? "") as NSString).pathExtension.lowercased()
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "image/tiff" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("%!".utf8)) || starts([0xC5, 0xD0, 0xD3, 0xC6]) { return nil }  // PostScript runs as a program
        if starts(Array("{\\rtf".utf8)) { return "application/rtf" }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return "application/msword" }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            let office: [String: String] = [
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "odt": "application/vnd.oasis.opendocument.text",
                "ods": "application/vnd.oasis.opendocument.spreadsheet",
                "odp": "application/vnd.oasis.opendocument.presentation",
            ]
            return office[ext]
        }
        let head = Array(bytes.prefix(4096))
        guard !head.isEmpty, !head.contains(0), ext != "svg", ext != "ps", ext != "eps" else { return nil }
        let lowered = String(decoding: head.prefix(1024), as: UTF8.self).lowercased()
        if lowered.contains("<svg") { return nil }
        var trimmed = head
        while let last = trimmed.last, last & 0x80 != 0, trimmed.count > head.count - 4 { trimmed.removeLast() }
        return String(validating: trimmed, as: UTF8.self) != nil ? "text/plain; charset=utf-8" : nil
    }
}
