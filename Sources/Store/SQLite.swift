// The thin layer over the SQLite C API that the rest of the module uses. Nothing here is public.
//
// Connections are opened with SQLITE_OPEN_NOMUTEX: each one is confined by a lock of its owner
// (`WriteSide`, `ReadSide`), so SQLite's own per-connection mutex would only cost time.
import CSQLite
import Foundation

/// `SQLITE_TRANSIENT` is a macro Swift does not import: the destructor value -1 tells SQLite to copy the bytes.
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

final class Connection {
    let path: String
    private(set) var handle: OpaquePointer?
    private var cache: [String: Statement] = [:]

    init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw StoreError.cannotOpen(path: path, reason: reason)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    var isOpen: Bool { handle != nil }

    func close() {
        for statement in cache.values { statement.finalize() }
        cache.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    func db() throws -> OpaquePointer {
        guard let handle else { throw StoreError.closed }
        return handle
    }

    /// The error SQLite reports for the last call on this connection. Its message names tables, columns and
    /// constraints but never bound values, and we never interpolate values into SQL.
    func error(_ operation: String, code: Int32) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? code
        return .sqlite(operation: operation, code: extended, message: message)
    }

    /// Runs one or more statements that take no parameters (schema, pragmas, transaction control).
    func execute(_ sql: String, _ operation: String) throws {
        let db = try db()
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(operation, code: rc) }
    }

    /// The prepared statement for `sql`, prepared on first use and kept for the connection's life.
    func statement(_ sql: String) throws -> Statement {
        if let cached = cache[sql] { return cached }
        let db = try db()
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw error("prepare statement", code: rc) }
        let statement = Statement(raw, connection: self)
        cache[sql] = statement
        return statement
    }

    /// A single integer from a query such as `PRAGMA user_version`.
    func integer(_ sql: String, _ operation: String) throws -> Int64 {
        let statement = try statement(sql)
        defer { statement.reset() }
        guard try statement.step(operation) else { return 0 }
        return statement.int64(0)
    }

    func text(_ sql: String, _ operation: String) throws -> String? {
        let statement = try statement(sql)
        defer { statement.reset() }
        guard try statement.step(operation) else { return nil }
        return statement.string(0)
    }

    var changes: Int { handle.map { Int(sqlite3_changes64($0)) } ?? 0 }
    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }
    var inTransaction: Bool { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws.
    func transaction<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE", operation)
        do {
            let result = try body()
            try execute("COMMIT", operation)
            return result
        } catch {
            rollbackIfNeeded()
            throw error
        }
    }

    /// Runs `body` inside a deferred (read) transaction so that several queries see one snapshot.
    func readTransaction<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        try execute("BEGIN", operation)
        defer { rollbackIfNeeded() }
        return try body()
    }

    func rollbackIfNeeded() {
        if inTransaction, let handle { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
    }
}

final class Statement {
    // `let`, not `var`: a class's stored `var` costs a dynamic exclusivity check on every access, and these are
    // read a dozen times per inserted row.
    private let handle: OpaquePointer
    private unowned let connection: Connection

    init(_ handle: OpaquePointer, connection: Connection) {
        self.handle = handle
        self.connection = connection
    }

    /// Called once, by the connection when it closes; the statement is not used afterwards.
    func finalize() {
        sqlite3_finalize(handle)
    }

    /// Resets the statement for its next use and drops its bindings, so no bound value outlives the call.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Binding (1-based indexes, as in SQL's ?NNN)

    func bind(_ index: Int32, _ value: String?) {
        guard var value else { sqlite3_bind_null(handle, index); return }
        value.withUTF8 { bytes in
            if let base = bytes.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(handle, index, $0, Int32(bytes.count), sqliteTransient)
                }
            } else {
                // An empty buffer may have no address; SQLite would store NULL for a nil pointer.
                sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
            }
        }
    }

    func bind(_ index: Int32, _ value: Int64?) {
        guard let value else { sqlite3_bind_null(handle, index); return }
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Int?) {
        bind(index, value.map { Int64($0) })
    }

    func bind(_ index: Int32, _ value: Bool) {
        sqlite3_bind_int64(handle, index, value ? 1 : 0)
    }

    func bind(_ index: Int32, _ value: Data?) {
        guard let value else { sqlite3_bind_null(handle, index); return }
        if value.isEmpty {
            sqlite3_bind_zeroblob(handle, index, 0)
            return
        }
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
        }
    }

    // MARK: Stepping

    /// Steps once: `true` when a row is available, `false` when the statement is done.
    func step(_ operation: String) throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(operation, code: rc)
        }
    }

    /// Runs a statement that returns no rows, then resets it.
    func run(_ operation: String) throws {
        defer { reset() }
        while try step(operation) {}
    }

    /// Collects every row through `row`, then resets the statement.
    func rows<T>(_ operation: String, _ row: (Statement) -> T) throws -> [T] {
        defer { reset() }
        var result: [T] = []
        while try step(operation) { result.append(row(self)) }
        return result
    }

    // MARK: Columns (0-based)

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func data(_ column: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let blob = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: blob, count: count)
    }
}

/// Unix milliseconds, the unit of every `at` column.
@inline(__always)
func unixMillis(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1000).rounded())
}

@inline(__always)
func date(unixMillis: Int64) -> Date {
    Date(timeIntervalSince1970: Double(unixMillis) / 1000)
}
