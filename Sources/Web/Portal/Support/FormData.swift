import Foundation

/// A submitted HTML form: `application/x-www-form-urlencoded` or `multipart/form-data`.
struct FormData: Sendable {
    struct File: Sendable {
        let field: String
        let filename: String
        let contentType: String
        let bytes: [UInt8]
    }

    private(set) var fields: [(name: String, value: String)] = []
    private(set) var files: [File] = []

    subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }
    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }
    func file(_ field: String) -> File? { files.first { $0.field == field && !$0.bytes.isEmpty } }
    func allFiles(_ field: String) -> [File] { files.filter { $0.field == field && !$0.bytes.isEmpty } }

    init() {}

    /// Parses `body` as the content type says; an unknown type gives an empty form.
    init(contentType: String?, body: [UInt8]) {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            fields = Self.urlEncoded(String(decoding: body, as: UTF8.self))
        } else if type.hasPrefix("multipart/form-data"), let boundary = Self.boundary(in: contentType ?? "") {
            parseMultipart(body, boundary: boundary)
        }
    }

    static func urlEncoded(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static func boundary(in contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let kv = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private mutating func parseMultipart(_ body: [UInt8], boundary: String) {
        let delimiter = Array(("--" + boundary).utf8)
        var positions: [Int] = []
        var i = 0
        while let found = Self.find(delimiter, in: body, from: i) {
            positions.append(found)
            i = found + delimiter.count
        }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // Skip the CRLF after the delimiter; the part ends with CRLF before the next one.
            if partStart + 1 < body.count, body[partStart] == 13, body[partStart + 1] == 10 { partStart += 2 }
            let partEnd = end >= 2 && body[end - 2] == 13 && body[end - 1] == 10 ? end - 2 : end
            guard partStart < partEnd, let headEnd = Self.find([13, 10, 13, 10], in: body, from: partStart), headEnd < partEnd else { continue }
            let headers = String(decoding: body[partStart..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
            let content = Array(body[(headEnd + 4)..<partEnd])
            var name: String?
            var filename: String?
            var type = "application/octet-stream"
            for header in headers {
                let lower = header.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = Self.parameter("name", in: header)
                    filename = Self.parameter("filename", in: header)
                } else if lower.hasPrefix("content-type:") {
                    type = header.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { continue }
            if let filename {
                files.append(File(field: name, filename: filename, contentType: type, bytes: content))
            } else {
                fields.append((name, String(decoding: content, as: UTF8.self)))
            }
        }
    }

    private static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let kv = piece.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].lowercased() == key {
                return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
