import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts, all in memory (the body was
/// already collected under the API's size limit).
struct MultipartFormData {
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    var parts: [Part]

    /// The boundary parameter of a `multipart/form-data` content type, or nil.
    static func boundary(fromContentType value: String) -> String? {
        let pieces = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, kv[0].lowercased() == "boundary" else { continue }
            var b = kv[1]
            if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
            return b.isEmpty || b.count > 70 ? nil : b
        }
        return nil
    }

    enum ParseError: Error, CustomStringConvertible {
        case malformed(String)
        var description: String { switch self { case .malformed(let why): "malformed multipart body: \(why)" } }
    }

    init(body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard var position = Self.find(delimiter, in: body, from: 0) else { throw ParseError.malformed("no boundary") }
        var parts: [Part] = []
        while true {
            position += delimiter.count
            if body.count >= position + 2, body[position] == 45, body[position + 1] == 45 { break }  // "--": the end
            guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else { throw ParseError.malformed("boundary not followed by a line break") }
            position += 2
            guard let headerEnd = Self.find(crlf + crlf, in: body, from: position) else { throw ParseError.malformed("part headers do not end") }
            let headerText = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = Self.find(crlf + delimiter, in: body, from: contentStart) else { throw ParseError.malformed("the closing boundary is missing") }
            var name: String?
            var filename: String?
            var contentType: String?
            for line in headerText.split(separator: "\r\n") {
                let kv = line.split(separator: ":", maxSplits: 1)
                guard kv.count == 2 else { continue }
                let field = kv[0].trimmingCharacters(in: .whitespaces).lowercased()
                let value = kv[1].trimmingCharacters(in: .whitespaces)
                if field == "content-type" { contentType = value }
                if field == "content-disposition" {
                    name = Self.parameter("name", in: value)
                    filename = Self.parameter("filename", in: value)
                }
            }
            guard let name else { throw ParseError.malformed("a part has no name") }
            parts.append(Part(name: name, filename: filename, contentType: contentType, bytes: Array(body[contentStart..<next])))
            position = next + 2
            if parts.count > 200 { throw ParseError.malformed("more than 200 parts") }
        }
        self.parts = parts
    }

    private static func parameter(_ key: String, in value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, kv[0].lowercased() == key else { continue }
            var v = kv[1]
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
