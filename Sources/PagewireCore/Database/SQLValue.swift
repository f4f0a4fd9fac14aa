import Foundation

/// A value bound to a `?` placeholder or read from a column.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    /// A point in time; stored and read as a UTC `DATETIME(6)`.
    case date(Date)
}

/// A Swift type that can be bound to a placeholder.
public protocol SQLEncodable: Sendable {
    var sqlValue: SQLValue { get }
}

/// A Swift type that can be read from a column.
public protocol SQLDecodable {
    /// Converts a non-NULL column value; `nil` when the value has another type.
    init?(sqlValue: SQLValue)
}

extension SQLValue: SQLEncodable {
    public var sqlValue: SQLValue { self }
}

extension Int: SQLEncodable, SQLDecodable {
    public var sqlValue: SQLValue { .int(Int64(self)) }
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .int(let v): self.init(v)
        case .uint(let v): guard let n = Int(exactly: v) else { return nil }; self = n
        case .string(let s): guard let n = Int(s) else { return nil }; self = n
        default: return nil
        }
    }
}

extension Int64: SQLEncodable, SQLDecodable {
    public var sqlValue: SQLValue { .int(self) }
    public init?(sqlValue: SQLValue) {
        guard let n = Int(sqlValue: sqlValue) else { return nil }
        self.init(n)
    }
}

extension UInt64: SQLEncodable, SQLDecodable {
    public var sqlValue: SQLValue { .uint(self) }
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .uint(let v): self = v
        case .int(let v): guard v >= 0 else { return nil }; self = UInt64(v)
        default: return nil
        }
    }
}

extension Bool: SQLEncodable, SQLDecodable {
    public var sqlValue: SQLValue { .int(self ? 1 : 0) }
    public init?(sqlValue: SQLValue) {
        guard let n = Int(sqlValue: sqlValue) else { return nil }
        self = n != 0
    }
}

extension Double: SQLEncodable, SQLDecodable {
    public var sqlValue: SQLValue { .double(self) }
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .double(let v): self = v
        case .int(let v): self = Double(v)
        case .uint(let v): self = Double(v)
        case .string(let s): guard let d = Double(s) else { return nil }; self = d
        default: return nil
        }
    }
}

extension String: SQLEncodable, SQLDecodable {
    public var sqlValue: SQLValue { .string(self) }
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .string(let s): self = s
        case .bytes(let b): guard let s = String(validating: b, as: UTF8.self) else { return nil }; self = s
        case .int(let v): self = String(v)
        case .uint(let v): self = String(v)
        default: return nil
        }
    }
}

extension Array: SQLEncodable where Element == UInt8 {
    public var sqlValue: SQLValue { .bytes(self) }
}

extension Array: SQLDecodable where Element == UInt8 {
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .bytes(let b): self = b
        case .string(let s): self = Array(s.utf8)
        default: return nil
        }
    }
}

extension Data: SQLEncodable, SQLDecodable {
    public var sqlValue: SQLValue { .bytes([UInt8](self)) }
    public init?(sqlValue: SQLValue) {
        guard let b = [UInt8](sqlValue: sqlValue) else { return nil }
        self.init(b)
    }
}

extension Date: SQLEncodable, SQLDecodable {
    public var sqlValue: SQLValue { .date(self) }
    public init?(sqlValue: SQLValue) {
        guard case .date(let d) = sqlValue else { return nil }
        self = d
    }
}

extension Optional: SQLEncodable where Wrapped: SQLEncodable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One row of a result set; read columns by name with `get`.
public struct SQLRow: Sendable {
    let columns: SQLColumns
    public let values: [SQLValue]

    /// The value of `column`, decoded; throws when the column is missing, NULL or of another type.
    public func get<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws(DatabaseError) -> T {
        let value = try self[value: column]
        if case .null = value { throw DatabaseError(.decoding, "column \(column) is NULL, expected \(T.self)") }
        guard let decoded = T(sqlValue: value) else {
            throw DatabaseError(.decoding, "column \(column) cannot be read as \(T.self)")
        }
        return decoded
    }

    /// The value of `column`, or `nil` when it is NULL.
    public func optional<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws(DatabaseError) -> T? {
        let value = try self[value: column]
        if case .null = value { return nil }
        guard let decoded = T(sqlValue: value) else {
            throw DatabaseError(.decoding, "column \(column) cannot be read as \(T.self)")
        }
        return decoded
    }

    /// The raw value of `column`.
    public subscript(value column: String) -> SQLValue {
        get throws(DatabaseError) {
            guard let index = columns.index[column] else {
                throw DatabaseError(.decoding, "no column named \(column) in the result")
            }
            return values[index]
        }
    }
}

/// Column names of a result set, shared by its rows.
final class SQLColumns: Sendable {
    let names: [String]
    let index: [String: Int]
    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() where index[n] == nil { index[n] = i }
        self.index = index
    }
}

/// What a statement without a result set did.
public struct SQLExecution: Sendable {
    public let affectedRows: UInt64
    public let lastInsertID: UInt64
}
