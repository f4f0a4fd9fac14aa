/// RFC 4180 CSV: quoted fields with doubled quotes, commas and line breaks inside quotes,
/// CRLF or LF line ends. Each record keeps the line number it starts on, so problems can be
/// reported by line.
public enum CSVTable {
    public struct Record: Sendable, Equatable {
        public let line: Int
        public let fields: [String]
    }

    /// Why a CSV text could not be read at all.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public static func parse(_ text: String) throws(Malformed) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldStarted = false
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }  // byte-order mark from spreadsheet exports
        var i = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            fieldStarted = false
        }
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"" where !fieldStarted: inQuotes = true; fieldStarted = true
                case ",": fields.append(field); field = ""; fieldStarted = false
                case "\r": break
                case "\n":
                    endRecord()
                    line += 1
                    recordLine = line
                default: field.unicodeScalars.append(c); fieldStarted = true
                }
            }
            i += 1
        }
        if inQuotes { throw Malformed(line: recordLine, reason: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
