private import CCurl
import Foundation
import NIOPosix

/// Why a libcurl transfer failed (the connection or protocol, not an HTTP status).
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libcurl's result code.
    public let code: Int
    /// libcurl's message for it, with the detail from its error buffer when there is one.
    public let message: String
    public var description: String { "transfer failed (\(code)): \(message)" }
}

/// The one wrapper around libcurl (`CCurl`): an HTTP POST for webhooks and an SMTP submission for
/// notices. Each call is one blocking transfer on NIO's thread pool, never on the cooperative pool.
public enum Curl {
    /// The answer to an HTTP request: its status and the first 4 KiB of its body.
    public struct HTTPResponse: Sendable, Equatable {
        public var status: Int
        public var body: [UInt8]
    }

    private static let initialised: Bool = { curl_global_init(3) == CURLE_OK }()  // 3: CURL_GLOBAL_DEFAULT (SSL | WIN32), a macro Swift cannot import

    /// POSTs `body` to `url` (http or https only, redirects not followed). `pinnedAddress` makes
    /// libcurl connect to that IP for the URL's host, so the address checked is the one used.
    /// `caFile` replaces the system's trusted certificate authorities (a PEM bundle).
    public static func post(
        url: String, headers: [String], body: [UInt8], pinnedAddress: (host: String, port: Int, ip: String)? = nil,
        timeoutSeconds: Int = 15, caFile: String? = nil
    ) async throws -> HTTPResponse {
        try await NIOThreadPool.singleton.runIfActive {
            try transfer { handle, lists in
                try set(handle, CURLOPT_URL, url)
                try set(handle, CURLOPT_PROTOCOLS_STR, "http,https")
                try set(handle, CURLOPT_FOLLOWLOCATION, 0)
                try set(handle, CURLOPT_POST, 1)
                try check(pw_curl_set_size(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                if !body.isEmpty {
                    try body.withUnsafeBufferPointer { buffer in
                        // COPYPOSTFIELDS copies the bytes, so they need not outlive this call.
                        try check(pw_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress!)))
                    }
                }
                try setList(handle, CURLOPT_HTTPHEADER, headers + ["Expect:"], into: &lists)
                if let pin = pinnedAddress {
                    let ip = pin.ip.contains(":") ? "[\(pin.ip)]" : pin.ip
                    try setList(handle, CURLOPT_RESOLVE, ["\(pin.host):\(pin.port):\(ip)"], into: &lists)
                }
                try set(handle, CURLOPT_TIMEOUT, timeoutSeconds)
                try set(handle, CURLOPT_CONNECTTIMEOUT, min(timeoutSeconds, 10))
                if let caFile { try set(handle, CURLOPT_CAINFO, caFile) }
            }
        }
    }

    /// How an SFTP upload authenticates.
    public enum SSHCredential: Sendable {
        case password(String)
        /// A private key file (OpenSSH or PEM format; ed25519 or ECDSA with libssh2 1.10).
        case privateKeyFile(String)
    }

    /// Uploads `bytes` over SFTP to `directory/fileName` on `host`: written as `.fileName.part`
    /// (directories created as needed), then renamed over any earlier file of that name, so a
    /// reader never sees half a file. The server's host key must match `hostKeySHA256`
    /// (base64 SHA-256, as `ssh-keygen -lf` prints after `SHA256:`).
    public static func sftpUpload(
        host: String, port: Int, username: String, credential: SSHCredential, hostKeySHA256: String,
        directory: String, fileName: String, bytes: [UInt8], timeoutSeconds: Int = 60
    ) async throws {
        let dir = "/" + directory.split(separator: "/").joined(separator: "/")
        let base = dir == "/" ? "" : dir
        let encode = { (path: String) in
            path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/;?#"))) ?? String($0) }
                .joined(separator: "/")
        }
        let partial = "\(base)/.\(fileName).part"
        let final = "\(base)/\(fileName)"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let url = "sftp://\(hostPart):\(port)\(encode(partial))"
        _ = try await NIOThreadPool.singleton.runIfActive {
            try transfer(upload: bytes) { handle, lists in
                try set(handle, CURLOPT_URL, url)
                try set(handle, CURLOPT_PROTOCOLS_STR, "sftp")
                try set(handle, CURLOPT_USERNAME, username)
                switch credential {
                case .password(let password):
                    try set(handle, CURLOPT_SSH_AUTH_TYPES, 2)  // CURLSSH_AUTH_PASSWORD
                    try set(handle, CURLOPT_PASSWORD, password)
                case .privateKeyFile(let path):
                    try set(handle, CURLOPT_SSH_AUTH_TYPES, 1)  // CURLSSH_AUTH_PUBLICKEY
                    try set(handle, CURLOPT_SSH_PRIVATE_KEYFILE, path)
                    try set(handle, CURLOPT_SSH_PUBLIC_KEYFILE, "")  // derived from the private key
                }
                try set(handle, CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, hostKeySHA256)
                try set(handle, CURLOPT_FTP_CREATE_MISSING_DIRS, 1)  // CURLFTP_CREATE_DIR
                try check(pw_curl_set_size(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count)))
                // "*" lets the removal fail (no earlier file); SFTP v3 rename does not overwrite.
                try setList(handle, CURLOPT_POSTQUOTE, ["*rm \"\(final)\"", "rename \"\(partial)\" \"\(final)\""], into: &lists)
                try set(handle, CURLOPT_TIMEOUT, timeoutSeconds)
                try set(handle, CURLOPT_CONNECTTIMEOUT, min(timeoutSeconds, 10))
            }
        }
    }

    /// GETs `url` (http or https only, redirects not followed) and returns at most `maxBodyBytes`
    /// of its body (identity: an OpenID provider's configuration and JWKS).
    public static func get(url: String, headers: [String] = [], maxBodyBytes: Int = 256 * 1024, timeoutSeconds: Int = 10) async throws -> HTTPResponse {
        try await NIOThreadPool.singleton.runIfActive {
            try transfer(limit: maxBodyBytes) { handle, lists in
                try set(handle, CURLOPT_URL, url)
                try set(handle, CURLOPT_PROTOCOLS_STR, "http,https")
                try set(handle, CURLOPT_FOLLOWLOCATION, 0)
                try set(handle, CURLOPT_HTTPGET, 1)
                try setList(handle, CURLOPT_HTTPHEADER, headers, into: &lists)
                try set(handle, CURLOPT_TIMEOUT, timeoutSeconds)
                try set(handle, CURLOPT_CONNECTTIMEOUT, min(timeoutSeconds, 10))
            }
        }
    }

    /// Submits one RFC 5322 message over SMTP (`smtp://host:port` or `smtps://…`; STARTTLS when
    /// the server offers it and the URL is smtp with `requireTLS`).
    public static func sendMail(
        url: String, from: String, recipients: [String], message: [UInt8], username: String? = nil, password: String? = nil,
        requireTLS: Bool = false, timeoutSeconds: Int = 30
    ) async throws {
        _ = try await NIOThreadPool.singleton.runIfActive {
            try transfer(upload: message) { handle, lists in
                try set(handle, CURLOPT_URL, url)
                try set(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
                try set(handle, CURLOPT_MAIL_FROM, "<\(from)>")
                try setList(handle, CURLOPT_MAIL_RCPT, recipients.map { "<\($0)>" }, into: &lists)
                if let username { try set(handle, CURLOPT_USERNAME, username) }
                if let password { try set(handle, CURLOPT_PASSWORD, password) }
                if requireTLS { try set(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
                try set(handle, CURLOPT_TIMEOUT, timeoutSeconds)
            }
        }
    }

    // MARK: - One transfer

    /// Response bytes (capped) and the bytes still to upload, reached from the C callbacks.
    private final class Buffers {
        var received: [UInt8] = []
        var upload: [UInt8]
        var uploaded = 0
        var limit = 4096
        init(upload: [UInt8]) { self.upload = upload }
    }

    private static func transfer(upload: [UInt8]? = nil, limit: Int = 4096, configure: (UnsafeMutableRawPointer, inout [UnsafeMutablePointer<curl_slist>]) throws -> Void) throws -> HTTPResponse {
        guard initialised, let handle = curl_easy_init() else { throw CurlError(code: -1, message: "libcurl could not be initialised") }
        var lists: [UnsafeMutablePointer<curl_slist>] = []
        defer {
            curl_easy_cleanup(handle)
            for list in lists { curl_slist_free_all(list) }
        }
        let buffers = Buffers(upload: upload ?? [])
        buffers.limit = limit
        let context = Unmanaged.passRetained(buffers)
        defer { context.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try set(handle, CURLOPT_NOSIGNAL, 1)
        try configure(handle, &lists)
        try check(pw_curl_set_callback(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
            let buffers = Unmanaged<Buffers>.fromOpaque(context!).takeUnretainedValue()
            let n = size * count
            if buffers.received.count < buffers.limit, let data {
                let take = min(n, buffers.limit - buffers.received.count)
                data.withMemoryRebound(to: UInt8.self, capacity: take) { buffers.received.append(contentsOf: UnsafeBufferPointer(start: $0, count: take)) }
            }
            return n
        }))
        try check(pw_curl_set_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque()))
        if upload != nil {
            try set(handle, CURLOPT_UPLOAD, 1)
            try check(pw_curl_set_callback(handle, CURLOPT_READFUNCTION, { data, size, count, context in
                let buffers = Unmanaged<Buffers>.fromOpaque(context!).takeUnretainedValue()
                let n = min(size * count, buffers.upload.count - buffers.uploaded)
                if n > 0, let data {
                    buffers.upload.withUnsafeBufferPointer { source in
                        data.withMemoryRebound(to: UInt8.self, capacity: n) { $0.update(from: source.baseAddress! + buffers.uploaded, count: n) }
                    }
                    buffers.uploaded += n
                }
                return n
            }))
            try check(pw_curl_set_pointer(handle, CURLOPT_READDATA, context.toOpaque()))
        }
        let result = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            _ = pw_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            return curl_easy_perform(handle)
        }
        guard result == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            throw CurlError(code: Int(result.rawValue), message: detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail)
        }
        var status = 0
        _ = pw_curl_response_code(handle, &status)
        return HTTPResponse(status: status, body: buffers.received)
    }

    private static func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else { throw CurlError(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code))) }
    }

    private static func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: String) throws {
        try check(pw_curl_set_string(handle, option, value))
    }

    private static func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int) throws {
        try check(pw_curl_set_long(handle, option, value))
    }

    private static func setList(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ values: [String], into lists: inout [UnsafeMutablePointer<curl_slist>]) throws {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values { list = curl_slist_append(list, value) }
        guard let list else { return }
        lists.append(list)
        try check(pw_curl_set_list(handle, option, list))
    }
}
