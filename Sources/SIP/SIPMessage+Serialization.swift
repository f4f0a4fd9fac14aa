extension SIPMessage {
    /// The message as wire bytes, with Content-Length set to the body's size.
    public var bytes: [UInt8] {
        var text: String
        switch startLine {
        case .request(let method, let uri): text = "\(method) \(uri) SIP/2.0\r\n"
        case .response(let status, let reason): text = "SIP/2.0 \(status) \(reason)\r\n"
        }
        for field in headers where !field.name.equalsIgnoringCase("Content-Length") {
            text += "\(field.name): \(field.value)\r\n"
        }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8) + body
    }

    /// A response to this request (RFC 3261 §8.2.6): Via, From, To, Call-ID and CSeq copied,
    /// a To tag added when given and not already present.
    public func response(_ status: Int, reason: String? = nil, toTag: String? = nil) -> SIPMessage {
        var headers = SIPHeaders()
        for field in self.headers where ["Via", "From", "Call-ID", "CSeq", "Record-Route"].contains(where: { field.name.equalsIgnoringCase($0) }) {
            if field.name.equalsIgnoringCase("Record-Route"), !(200..<300).contains(status), status != 180, status != 183 { continue }
            headers.add(field.name, field.value)
        }
        if var to = self.to {
            if to.tag == nil, let toTag, status != 100 { to.tag = toTag }
            headers.add("To", to.description)
        } else if let raw = self.headers["To"] {
            headers.add("To", raw)
        }
        return SIPMessage(startLine: .response(status: status, reason: reason ?? SIPMessage.reasonPhrase(status)), headers: headers)
    }

    /// The usual reason phrase for a status code.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Trying"
        case 180: "Ringing"
        case 183: "Session Progress"
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 480: "Temporarily Unavailable"
        case 481: "Call/Transaction Does Not Exist"
        case 484: "Address Incomplete"
        case 486: "Busy Here"
        case 487: "Request Terminated"
        case 488: "Not Acceptable Here"
        case 491: "Request Pending"
        case 500: "Server Internal Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 513: "Message Too Large"
        case 600: "Busy Everywhere"
        case 603: "Decline"
        case 604: "Does Not Exist Anywhere"
        default: status < 200 ? "Progress" : status < 300 ? "OK" : "Error"
        }
    }
}
