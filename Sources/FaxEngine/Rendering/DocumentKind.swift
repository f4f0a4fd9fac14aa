import Foundation

/// What a document is, decided from its first bytes (never from its name alone).
public enum DocumentKind: String, Sendable, Equatable, CaseIterable {
    case pdf, tiff, png, jpeg, gif, text
    /// Word, Excel, PowerPoint (binary or OOXML), RTF, OpenDocument.
    case office
    /// Refused: scripts that can read local files.
    case svg, postscript
    case unknown

    /// Detects the kind from content, using the file name only to tell office formats apart from other ZIPs.
    public static func detect(_ url: URL) -> DocumentKind {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return .unknown }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4096)) ?? Data())
        return detect(head: head, fileName: url.lastPathComponent)
    }

    /// Detects the kind from the first bytes of a file.
    public static func detect(head: [UInt8], fileName: String = "") -> DocumentKind {
        func starts(_ bytes: [UInt8]) -> Bool { head.count >= bytes.count && Array(head.prefix(bytes.count)) == bytes }
        let ext = (fileName as NSString).pathExtension.lowercased()
        // Only a file that starts with the PDF header counts as PDF: Ghostscript would run
        // anything else (PostScript with a PDF header further down) as a program.
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("%!".utf8)) || starts([0xC5, 0xD0, 0xD3, 0xC6]) { return .postscript }
        if starts(Array("{\\rtf".utf8)) { return .office }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .office }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            return ["docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt"].contains(ext) ? .office : .unknown
        }
        let lowered = String(decoding: head.prefix(1024), as: UTF8.self).lowercased()
        if lowered.contains("<svg") || (lowered.hasPrefix("<?xml") && ext == "svg") { return .svg }
        if isText(head) { return ext == "svg" ? .svg : (ext == "ps" || ext == "eps" ? .postscript : .text) }
        return .unknown
    }

    private static func isText(_ head: [UInt8]) -> Bool {
        guard !head.isEmpty, !head.contains(0) else { return false }
        var bytes = head
        // Do not reject a text file cut in the middle of a UTF-8 sequence.
        while let last = bytes.last, last & 0xC0 == 0x80 || last >= 0xC0 { bytes.removeLast(); if bytes.count < head.count - 4 { break } }
        return String(validating: bytes, as: UTF8.self) != nil
    }
}
