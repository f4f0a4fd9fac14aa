/// A database failure, with enough context to log and none of the SQL text to show users.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The server could not be reached or refused the credentials.
        case connectionFailed
        /// The connection dropped (server restarted, network cut); the pool discards it.
        case connectionLost
        /// A UNIQUE or PRIMARY KEY was violated.
        case duplicateKey
        /// A foreign-key or check constraint refused the change.
        case constraintViolation
        /// InnoDB chose this transaction as a deadlock victim, or a lock wait timed out; retry it.
        case deadlock
        /// The pool was shut down or could not hand out a connection.
        case unavailable
        /// A column could not be read as the type asked for.
        case decoding
        /// Anything else the server or client reported.
        case other
    }

    public let kind: Kind
    /// The MariaDB error number, 0 when the failure did not come from the server or client library.
    public let code: UInt32
    /// What was being done and what the server said.
    public let message: String

    public init(_ kind: Kind, _ message: String, code: UInt32 = 0) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String {
        code == 0 ? "database \(kind): \(message)" : "database \(kind) (\(code)): \(message)"
    }

    /// Classifies a MariaDB error number.
    static func kind(forCode code: UInt32) -> Kind {
        switch code {
        case 2002, 2003, 2005, 1045, 1044, 1049: .connectionFailed
        case 2006, 2013, 2055, 1927, 4031: .connectionLost
        case 1062, 1586: .duplicateKey
        case 1451, 1452, 4025, 1048: .constraintViolation
        case 1213, 1205: .deadlock
        default: .other
        }
    }
}
