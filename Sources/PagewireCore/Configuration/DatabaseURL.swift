import Foundation

/// Where to reach MariaDB: `mariadb://user:password@host:port/database[?socket=/path]`.
public struct DatabaseURL: Sendable, Equatable {
    public var user: String
    public var password: String
    public var host: String
    public var port: Int
    /// The schema to use; empty means none (for administrative connections).
    public var database: String
    public var unixSocket: String?

    public init(user: String, password: String, host: String, port: Int, database: String, unixSocket: String? = nil) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.unixSocket = unixSocket
    }

    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, scheme == "mariadb" || scheme == "mysql"
        else { throw ReasonError("expected mariadb://user:password@host:port/database") }
        guard let host = components.host, !host.isEmpty else { throw ReasonError("the URL has no host") }
        guard let user = components.user, !user.isEmpty else { throw ReasonError("the URL has no user") }
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 } ?? ""
        self.host = host
        self.port = components.port ?? 3306
        let path = components.path
        self.database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard database.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw ReasonError("database name may hold only letters, digits and _")
        }
        self.unixSocket = components.queryItems?.first(where: { $0.name == "socket" })?.value
    }

    /// The same server with another database name.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL with its password replaced by asterisks, for logs.
    public var masked: String {
        var s = "mariadb://\(user):********@\(host):\(port)/\(database)"
        if let unixSocket { s += "?socket=\(unixSocket)" }
        return s
    }
}

extension DatabaseURL {
    /// The URL as text, password included (for handing to a child process, never for logs).
    public var urlString: String {
        let encodedPassword = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        var s = "mariadb://\(user):\(encodedPassword)@\(host):\(port)/\(database)"
        if let unixSocket { s += "?socket=\(unixSocket)" }
        return s
    }
}
