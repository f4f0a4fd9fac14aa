extension SIPMessage {
    /// Parses one complete message from a datagram (or a framed stream message).
    ///
    /// Hostile input is expected: sizes are bounded, every mandatory header is checked,
    /// and a Content-Length larger than what arrived is an error (RFC 3261 §18.3).
    /// Leading CRLFs (keep-alives) are skipped.
    public init(parsing bytes: some Collection<UInt8>) throws(SIPParseError) {
        guard bytes.count <= SIPMessage.maximumSize else { throw .tooLarge(bytes.count) }
        let data = Array(bytes)
        var start = 0
        while start + 1 < data.count, data[start] == 13, data[start + 1] == 10 { start += 2 }
        guard let headerEnd = SIPMessage.findHeaderEnd(data, from: start) else {
            throw .badHeader("no blank line after the headers")
        }
        guard let head = String(validating: data[start..<headerEnd.lineEnd], as: UTF8.self) else { throw .notText }
        var lines = SIPMessage.unfold(head)
        guard !lines.isEmpty else { throw .badStartLine("") }
        let first = lines.removeFirst()
        guard lines.count <= SIPMessage.maximumHeaderCount else { throw .tooManyHeaders }
        let startLine = try SIPMessage.parseStartLine(first)
        var headers = SIPHeaders()
        for line in lines {
            guard line.utf8.count <= SIPMessage.maximumLineLength else { throw .lineTooLong }
            guard let colon = line.firstIndex(of: ":") else { throw .badHeader(String(line.prefix(40))) }
            let name = line[..<colon].trimmingSIPWhitespace()
            guard !name.isEmpty, name.utf8.allSatisfy(SIPGrammar.isTokenByte) else { throw .badHeader(String(line.prefix(40))) }
            headers.add(name, line[line.index(after: colon)...].trimmingSIPWhitespace())
        }
        var body = Array(data[headerEnd.bodyStart...])
        if let lengthText = headers["Content-Length"] {
            guard lengthText.utf8.count <= 6, let length = Int(lengthText), length >= 0 else { throw .badContentLength }
            guard length <= body.count else { throw .badContentLength }
            body = Array(body.prefix(length))
        }
        self.init(startLine: startLine, headers: headers, body: body)
        try validateMandatoryHeaders()
    }

    /// Checks the headers every request and response must carry (RFC 3261 §8.1.1).
    func validateMandatoryHeaders() throws(SIPParseError) {
        guard let via = headers.values("Via").first, (try? SIPVia(parsing: via)) != nil else { throw .missingHeader("Via") }
        guard headers["From"].flatMap({ try? SIPNameAddress(parsing: $0) }) != nil else { throw .missingHeader("From") }
        guard headers["To"].flatMap({ try? SIPNameAddress(parsing: $0) }) != nil else { throw .missingHeader("To") }
        guard let callID = headers["Call-ID"], !callID.isEmpty, callID.utf8.count <= 256 else { throw .missingHeader("Call-ID") }
        guard let cseqText = headers["CSeq"] else { throw .missingHeader("CSeq") }
        let cseq = try SIPCSeq(parsing: cseqText)
        if case .request(let method, _) = startLine, method != cseq.method { throw .missingHeader("CSeq") }
    }

    /// Finds the CRLFCRLF (or LFLF) ending the header block.
    private static func findHeaderEnd(_ data: [UInt8], from start: Int) -> (lineEnd: Int, bodyStart: Int)? {
        var index = start
        while index < data.count {
            if data[index] == 10 {
                if index + 1 < data.count, data[index + 1] == 10 { return (index, index + 2) }
                if index + 2 < data.count, data[index + 1] == 13, data[index + 2] == 10 { return (index, index + 3) }
            }
            index += 1
        }
        return nil
    }

    /// Splits lines at CRLF or LF and joins continuation lines (leading space or tab).
    private static func unfold(_ head: String) -> [String] {
        var lines: [String] = []
        for line in head.sipLines() {
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingSIPWhitespace()
            } else if !line.isEmpty {
                lines.append(String(line))
            }
        }
        return lines
    }

    private static func parseStartLine(_ line: String) throws(SIPParseError) -> StartLine {
        guard line.utf8.count <= maximumLineLength else { throw .lineTooLong }
        let short = String(line.prefix(80))
        if line.hasPrefix("SIP/2.0 ") {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[1].count == 3, let status = Int(parts[1]), (100...699).contains(status) else { throw .badStartLine(short) }
            return .response(status: status, reason: parts.count == 3 ? String(parts[2]) : "")
        }
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2] == "SIP/2.0" else { throw .badStartLine(short) }
        let method = SIPMethod(rawValue: String(parts[0]))
        guard method.isValidToken else { throw .badStartLine(short) }
        return .request(method: method, uri: try SIPURI(parsing: String(parts[1])))
    }
}

extension String {
    /// The lines of the text split at LF with a trailing CR removed ("\r\n" is one Character,
    /// so splitting must happen on bytes).
    func sipLines() -> [Substring] {
        utf8.split(separator: 10, omittingEmptySubsequences: false).map { raw in
            var line = Substring(raw)
            if line.utf8.last == 13 { line = Substring(line.utf8.dropLast()) }
            return line
        }
    }
}
