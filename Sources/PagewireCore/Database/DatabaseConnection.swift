private import CMariaDB
import Foundation

/// One connection to MariaDB through libmariadb, with a cache of prepared statements.
///
/// A connection is not thread-safe: the `Database` pool hands it to one thread at a time and
/// runs every call on its blocking thread pool, never on an event loop. This file is the only
/// one that sees libmariadb's types; everything leaves it as `SQLValue`, `SQLRow` or `DatabaseError`.
public final class DatabaseConnection: @unchecked Sendable {
    private let mysql: UnsafeMutablePointer<MYSQL>
    private var statements: [String: UnsafeMutablePointer<MYSQL_STMT>] = [:]
    /// Set once a call reported a lost connection; the pool then throws the connection away.
    public private(set) var isBroken = false
    /// Statements run since the pool last handed this connection out.
    var operationsSinceCheckout = 0
    var lastUsed = Date()

    private static let libraryInitialised: Bool = {
        mysql_server_init(0, nil, nil) == 0
    }()

    /// Opens a connection; the session runs in UTC, utf8mb4 and READ COMMITTED.
    public init(url: DatabaseURL, connectTimeoutSeconds: UInt32 = 5) throws(DatabaseError) {
        guard Self.libraryInitialised, let handle = mysql_init(nil) else {
            throw DatabaseError(.unavailable, "libmariadb could not be initialised")
        }
        mysql = handle
        var timeout = connectTimeoutSeconds
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        _ = "utf8mb4".withCString { mysql_options(handle, MYSQL_SET_CHARSET_NAME, $0) }
        let connected = url.unixSocket.withOptionalCString { socket in
            mysql_real_connect(
                handle, url.host, url.user, url.password,
                url.database.isEmpty ? nil : url.database,
                UInt32(url.port), socket, 0)
        }
        // From here on deinit closes the handle, also when this initialiser throws.
        if connected == nil {
            throw Self.error(handle, doing: "connecting to \(url.host):\(url.port) as \(url.user)")
        }
        try run("SET time_zone = '+00:00'")
        try run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
    }

    deinit {
        for stmt in statements.values { mysql_stmt_close(stmt) }
        mysql_close(mysql)
    }

    /// Runs a statement without placeholders through the text protocol (DDL, session settings).
    public func run(_ sql: String) throws(DatabaseError) {
        operationsSinceCheckout += 1
        let status = sql.withCString { mysql_real_query(mysql, $0, UInt(strlen($0))) }
        if status != 0 { throw fail(Self.error(mysql, doing: "running a statement")) }
        // Drain any result set so the connection stays usable.
        if let result = mysql_store_result(mysql) { mysql_free_result(result) }
    }

    /// Runs a statement with bound parameters and returns its rows (none for INSERT/UPDATE/DELETE).
    @discardableResult
    public func query(_ sql: String, _ binds: [any SQLEncodable]) throws(DatabaseError) -> [SQLRow] {
        try perform(sql, binds).rows
    }

    /// Variadic form of `query(_:_:)`.
    @discardableResult
    public func query(_ sql: String, _ binds: any SQLEncodable...) throws(DatabaseError) -> [SQLRow] {
        try perform(sql, binds).rows
    }

    /// Runs a statement with bound parameters and returns how many rows it changed and the new id.
    @discardableResult
    public func execute(_ sql: String, _ binds: [any SQLEncodable]) throws(DatabaseError) -> SQLExecution {
        try perform(sql, binds).execution
    }

    /// Variadic form of `execute(_:_:)`.
    @discardableResult
    public func execute(_ sql: String, _ binds: any SQLEncodable...) throws(DatabaseError) -> SQLExecution {
        try perform(sql, binds).execution
    }

    /// Answers whether the server still answers on this connection.
    public func ping() -> Bool {
        if isBroken { return false }
        if mysql_ping(mysql) != 0 { isBroken = true; return false }
        return true
    }

    // MARK: - Statements

    private func fail(_ error: DatabaseError) -> DatabaseError {
        if error.kind == .connectionLost || error.kind == .connectionFailed { isBroken = true }
        return error
    }

    private func prepared(_ sql: String) throws(DatabaseError) -> UnsafeMutablePointer<MYSQL_STMT> {
        if let stmt = statements[sql] { return stmt }
        guard let stmt = mysql_stmt_init(mysql) else {
            throw fail(Self.error(mysql, doing: "allocating a statement"))
        }
        let status = sql.withCString { mysql_stmt_prepare(stmt, $0, UInt(strlen($0))) }
        if status != 0 {
            let error = Self.statementError(stmt, doing: "preparing a statement")
            mysql_stmt_close(stmt)
            throw fail(error)
        }
        statements[sql] = stmt
        return stmt
    }

    private func discard(_ sql: String) {
        if let stmt = statements.removeValue(forKey: sql) { mysql_stmt_close(stmt) }
    }

    private func perform(_ sql: String, _ binds: [any SQLEncodable]) throws(DatabaseError) -> (rows: [SQLRow], execution: SQLExecution) {
        operationsSinceCheckout += 1
        lastUsed = Date()
        let stmt = try prepared(sql)
        let expected = Int(mysql_stmt_param_count(stmt))
        guard expected == binds.count else {
            throw DatabaseError(.other, "statement expects \(expected) parameters, got \(binds.count)")
        }
        let params = ParameterBuffers(binds.map(\.sqlValue))
        defer { params.deallocate() }
        if expected > 0, mysql_stmt_bind_param(stmt, params.binds) != 0 {
            let error = Self.statementError(stmt, doing: "binding parameters")
            discard(sql)
            throw fail(error)
        }
        if mysql_stmt_execute(stmt) != 0 {
            let error = Self.statementError(stmt, doing: "executing a statement")
            discard(sql)
            throw fail(error)
        }
        guard let metadata = mysql_stmt_result_metadata(stmt) else {
            let execution = SQLExecution(
                affectedRows: mysql_stmt_affected_rows(stmt), lastInsertID: mysql_stmt_insert_id(stmt))
            return ([], execution)
        }
        defer { mysql_free_result(metadata) }
        if mysql_stmt_store_result(stmt) != 0 {
            let error = Self.statementError(stmt, doing: "reading results")
            discard(sql)
            throw fail(error)
        }
        defer { mysql_stmt_free_result(stmt) }
        let rows: [SQLRow]
        do {
            rows = try readRows(stmt, metadata)
        } catch {
            discard(sql)
            throw fail(error)
        }
        return (rows, SQLExecution(affectedRows: UInt64(rows.count), lastInsertID: 0))
    }

    /// Fetches every stored row, reading each column with a buffer of its exact length.
    private func readRows(_ stmt: UnsafeMutablePointer<MYSQL_STMT>, _ metadata: UnsafeMutablePointer<MYSQL_RES>) throws(DatabaseError) -> [SQLRow] {
        let count = Int(mysql_num_fields(metadata))
        let fields = mysql_fetch_fields(metadata)!
        var names: [String] = []
        var kinds: [ColumnKind] = []
        for i in 0..<count {
            let f = fields[i]
            names.append(String(cString: f.name))
            kinds.append(ColumnKind(type: f.type, flags: f.flags, charset: f.charsetnr))
        }
        let columns = SQLColumns(names: names)
        let results = ResultBuffers(kinds)
        defer { results.deallocate() }
        if mysql_stmt_bind_result(stmt, results.binds) != 0 {
            throw Self.statementError(stmt, doing: "binding result columns")
        }
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(mysql_stmt_num_rows(stmt)))
        while true {
            let status = mysql_stmt_fetch(stmt)
            if status == MYSQL_NO_DATA { break }
            if status == 1 { throw Self.statementError(stmt, doing: "fetching a row") }
            var values: [SQLValue] = []
            values.reserveCapacity(count)
            for i in 0..<count {
                values.append(try results.value(at: i, stmt: stmt))
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    // MARK: - Errors

    private static func error(_ mysql: UnsafeMutablePointer<MYSQL>, doing what: String) -> DatabaseError {
        let code = mysql_errno(mysql)
        let message = String(cString: mysql_error(mysql))
        return DatabaseError(DatabaseError.kind(forCode: code), "\(what): \(message)", code: code)
    }

    private static func statementError(_ stmt: UnsafeMutablePointer<MYSQL_STMT>, doing what: String) -> DatabaseError {
        let code = mysql_stmt_errno(stmt)
        let message = String(cString: mysql_stmt_error(stmt))
        return DatabaseError(DatabaseError.kind(forCode: code), "\(what): \(message)", code: code)
    }
}

// MARK: - Bind buffers

/// How a result column is fetched.
private enum ColumnKind {
    case signed, unsigned, double, time, text, binary

    init(type: enum_field_types, flags: UInt32, charset: UInt32) {
        switch type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_INT24, MYSQL_TYPE_YEAR:
            self = flags & UInt32(UNSIGNED_FLAG) != 0 ? .unsigned : .signed
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
            self = .double
        case MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_DATE:
            self = .time
        default:
            self = charset == 63 ? .binary : .text
        }
    }
}

/// Parameter binds and the storage they point at, freed after the statement ran.
private struct ParameterBuffers {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private var allocations: [UnsafeMutableRawPointer] = []

    init(_ values: [SQLValue]) {
        binds = .allocate(capacity: max(values.count, 1))
        binds.initialize(repeating: MYSQL_BIND(), count: max(values.count, 1))
        for (i, value) in values.enumerated() {
            switch value {
            case .null:
                binds[i].buffer_type = MYSQL_TYPE_NULL
            case .int(let v):
                binds[i].buffer_type = MYSQL_TYPE_LONGLONG
                binds[i].buffer = store(v)
            case .uint(let v):
                binds[i].buffer_type = MYSQL_TYPE_LONGLONG
                binds[i].is_unsigned = 1
                binds[i].buffer = store(v)
            case .double(let v):
                binds[i].buffer_type = MYSQL_TYPE_DOUBLE
                binds[i].buffer = store(v)
            case .string(let s):
                bindBytes(i, Array(s.utf8), type: MYSQL_TYPE_STRING)
            case .bytes(let b):
                bindBytes(i, b, type: MYSQL_TYPE_BLOB)
            case .date(let d):
                binds[i].buffer_type = MYSQL_TYPE_DATETIME
                binds[i].buffer = store(MYSQL_TIME(d))
            }
        }
    }

    private mutating func store<T>(_ value: T) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        p.storeBytes(of: value, as: T.self)
        allocations.append(p)
        return p
    }

    private mutating func bindBytes(_ i: Int, _ bytes: [UInt8], type: enum_field_types) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { p.copyMemory(from: base, byteCount: bytes.count) } }
        allocations.append(p)
        binds[i].buffer_type = type
        binds[i].buffer = p
        binds[i].buffer_length = UInt(bytes.count)
        // length == nil makes libmariadb use buffer_length as the value's length.
    }

    func deallocate() {
        for p in allocations { p.deallocate() }
        binds.deallocate()
    }
}

/// Result binds: fixed-size columns land in their own buffers; variable-length ones are bound
/// with no buffer, and each value is then read with `mysql_stmt_fetch_column` at its exact length.
private final class ResultBuffers {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    let kinds: [ColumnKind]
    let lengths: UnsafeMutablePointer<UInt>
    let nulls: UnsafeMutablePointer<my_bool>
    let errors: UnsafeMutablePointer<my_bool>
    let fixed: UnsafeMutableRawPointer
    static let slot = max(MemoryLayout<MYSQL_TIME>.stride, 8)

    init(_ kinds: [ColumnKind]) {
        self.kinds = kinds
        let n = max(kinds.count, 1)
        binds = .allocate(capacity: n)
        binds.initialize(repeating: MYSQL_BIND(), count: n)
        lengths = .allocate(capacity: n)
        lengths.initialize(repeating: 0, count: n)
        nulls = .allocate(capacity: n)
        nulls.initialize(repeating: 0, count: n)
        errors = .allocate(capacity: n)
        errors.initialize(repeating: 0, count: n)
        fixed = .allocate(byteCount: n * Self.slot, alignment: 16)
        for (i, kind) in kinds.enumerated() {
            binds[i].length = lengths + i
            binds[i].is_null = nulls + i
            binds[i].error = errors + i
            switch kind {
            case .signed, .unsigned:
                binds[i].buffer_type = MYSQL_TYPE_LONGLONG
                binds[i].is_unsigned = kind == .unsigned ? 1 : 0
                binds[i].buffer = fixed + i * Self.slot
                binds[i].buffer_length = 8
            case .double:
                binds[i].buffer_type = MYSQL_TYPE_DOUBLE
                binds[i].buffer = fixed + i * Self.slot
                binds[i].buffer_length = 8
            case .time:
                binds[i].buffer_type = MYSQL_TYPE_DATETIME
                binds[i].buffer = fixed + i * Self.slot
                binds[i].buffer_length = UInt(MemoryLayout<MYSQL_TIME>.size)
            case .text, .binary:
                binds[i].buffer_type = MYSQL_TYPE_BLOB
                binds[i].buffer = nil
                binds[i].buffer_length = 0
            }
        }
    }

    func value(at i: Int, stmt: UnsafeMutablePointer<MYSQL_STMT>) throws(DatabaseError) -> SQLValue {
        if nulls[i] != 0 { return .null }
        let slot = fixed + i * Self.slot
        switch kinds[i] {
        case .signed: return .int(slot.load(as: Int64.self))
        case .unsigned: return .uint(slot.load(as: UInt64.self))
        case .double: return .double(slot.load(as: Double.self))
        case .time: return .date(slot.load(as: MYSQL_TIME.self).date)
        case .text, .binary:
            let length = Int(lengths[i])
            var bytes = [UInt8](repeating: 0, count: length)
            if length > 0 {
                var column = MYSQL_BIND()
                var fetchedLength: UInt = 0
                column.buffer_type = MYSQL_TYPE_BLOB
                column.buffer_length = UInt(length)
                let status = bytes.withUnsafeMutableBytes { raw -> Int32 in
                    column.buffer = raw.baseAddress
                    return withUnsafeMutablePointer(to: &fetchedLength) { lengthPointer in
                        column.length = lengthPointer
                        return mysql_stmt_fetch_column(stmt, &column, UInt32(i), 0)
                    }
                }
                if status != 0 {
                    throw DatabaseError(.other, "reading column \(i) failed", code: mysql_stmt_errno(stmt))
                }
            }
            if kinds[i] == .text, let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
            return .bytes(bytes)
        }
    }

    deinit {
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
        errors.deallocate()
        fixed.deallocate()
    }

    func deallocate() {}
}

// MARK: - Time conversion (always UTC, by the days-from-civil algorithm: no Calendar on the hot path)

extension MYSQL_TIME {
    fileprivate init(_ date: Date) {
        self.init()
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 { fraction += 1_000_000; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        year = UInt32(y); month = UInt32(m); day = UInt32(d)
        hour = UInt32(secondOfDay / 3600); minute = UInt32(secondOfDay % 3600 / 60); second = UInt32(secondOfDay % 60)
        second_part = UInt(fraction)
        time_type = MYSQL_TIMESTAMP_DATETIME
    }

    fileprivate var date: Date {
        let days = daysFromCivil(Int64(year), Int64(month), Int64(day))
        let seconds = days * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
        return Date(timeIntervalSince1970: Double(seconds) + Double(second_part) / 1_000_000)
    }
}

private func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

private func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
}

extension Optional where Wrapped == String {
    fileprivate func withOptionalCString<R>(_ body: (UnsafePointer<CChar>?) -> R) -> R {
        switch self {
        case .some(let s): s.withCString { body($0) }
        case .none: body(nil)
        }
    }
}
