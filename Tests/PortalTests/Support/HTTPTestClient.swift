import Foundation

/// A deliberately small HTTP/1.1 client over a blocking loopback socket: one connection per
/// request (`Connection: close`), so tests see exactly what the server sent — status, every
/// header (cookies included) and body — and connection failures as they are.
struct HTTPTestClient {
    let port: Int

    struct Response {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        func headers(_ name: String) -> [String] { headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value) }
    }

    enum Failure: Error, CustomStringConvertible {
        /// Nothing listened (the one failure a prefork server must never cause).
        case refused
        /// The connection broke before any response byte arrived.
        case resetBeforeResponse(errno: Int32)
        case other(String)
        var description: String {
            switch self {
            case .refused: "connection refused"
            case .resetBeforeResponse(let e): "connection reset before a response (\(String(cString: strerror(e))))"
            case .other(let s): s
            }
        }
    }

    // The async calls do their blocking socket work on a thread of their own: a test blocked
    // in read() on one of the few cooperative threads could starve the server it waits for.
    func get(_ path: String, headers: [(String, String)] = []) async throws -> Response {
        try await send("GET", path, headers: headers, body: [])
    }

    func post(_ path: String, form: [(String, String)], headers: [(String, String)] = []) async throws -> Response {
        let body = Array(Self.formEncode(form).utf8)
        return try await send("POST", path, headers: headers + [("Content-Type", "application/x-www-form-urlencoded")], body: body)
    }

    func send(_ method: String, _ path: String, headers: [(String, String)], body: [UInt8]) async throws -> Response {
        let client = self
        return try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try client.sendBlocking(method, path, headers: headers, body: body) }) }.start()
        }
    }

    /// A GET on the calling thread (for load threads).
    func getBlocking(_ path: String) throws -> Response {
        try sendBlocking("GET", path, headers: [], body: [])
    }

    static func formEncode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { k, v in
            (k.addingPercentEncoding(withAllowedCharacters: allowed) ?? k) + "=" + (v.addingPercentEncoding(withAllowedCharacters: allowed) ?? v)
        }.joined(separator: "&")
    }

    func sendBlocking(_ method: String, _ path: String, headers: [(String, String)], body: [UInt8]) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.other("socket: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            throw errno == ECONNREFUSED ? Failure.refused : Failure.other("connect: \(String(cString: strerror(errno)))")
        }
        var head = "\(method) \(path) HTTP/1.1\r\n"
        var names = Set<String>()
        for (name, value) in headers {
            names.insert(name.lowercased())
            head += "\(name): \(value)\r\n"
        }
        if !names.contains("host") { head += "Host: 127.0.0.1:\(port)\r\n" }
        head += "Connection: close\r\nContent-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure.resetBeforeResponse(errno: errno) }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                if received.isEmpty { throw Failure.resetBeforeResponse(errno: errno) }
                throw Failure.other("read after \(received.count) bytes: \(String(cString: strerror(errno)))")
            }
            received.append(contentsOf: buffer[..<n])
        }
        guard !received.isEmpty else { throw Failure.resetBeforeResponse(errno: 0) }
        return try Self.parse(received)
    }

    static func parse(_ bytes: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            throw Failure.other("incomplete response head")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure.other("bad status line \(lines[0])") }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(bytes[(end + 4)...])
        if headers.contains(where: { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            body = try dechunk(body)
        }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<(bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";")[0]
            guard let size = Int(sizeText, radix: 16) else { throw Failure.other("bad chunk size") }
            if size == 0 { break }
            out += bytes[(lineEnd + 2)..<(lineEnd + 2 + size)]
            i = lineEnd + 2 + size + 2
        }
        return out
    }
}
