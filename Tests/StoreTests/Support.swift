import CSQLite
import Foundation
import Store

/// A fresh temporary folder per test, removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("faro-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

let testKey = try! PseudonymKey(string: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
let otherKey = try! PseudonymKey(string: "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100")

func exchange(
    from phone: String = "+5215512345678", at: Date = Date(timeIntervalSince1970: 1_750_000_000),
    text: String? = "peligros nogales", intent: String = "dangers", place: String? = "nogales",
    route: String? = nil, runID: Int64? = nil
) -> Exchange {
    Exchange(
        at: at, from: phone, channel: "sms", text: text, language: "es", intent: intent, place: place,
        route: route, reply: "Nogales: evite cruzar de noche. Ayuda gratis: 800 000 0000.", encoding: "GSM-7",
        segments: 1, contentVersion: "c0ffee", latencyMicros: 120, runID: runID)
}

/// A raw SQLite connection, for building old or foreign files by hand and looking inside real ones.
final class RawDatabase {
    private var db: OpaquePointer?

    init(_ path: String) throws {
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw RawError(message: "cannot open \(path)") }
    }

    deinit { sqlite3_close(db) }

    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &message) != SQLITE_OK {
            defer { sqlite3_free(message) }
            throw RawError(message: message.map { String(cString: $0) } ?? "error")
        }
    }

    /// Every row of a query, each column rendered as text ("NULL" for null).
    func rows(_ sql: String) throws -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw RawError(message: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        var result: [[String]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            result.append((0..<sqlite3_column_count(statement)).map { column in
                guard let text = sqlite3_column_text(statement, column) else { return "NULL" }
                return String(cString: text)
            })
        }
        return result
    }

    func integer(_ sql: String) throws -> Int64 { Int64(try rows(sql)[0][0]) ?? -1 }
}

struct RawError: Error { let message: String }

func fileBytes(_ path: String) -> Data {
    FileManager.default.contents(atPath: path) ?? Data()
}

/// The bytes of the database file and of its WAL, where committed rows may still sit.
func databaseBytes(_ path: String) -> Data {
    fileBytes(path) + fileBytes(path + "-wal")
}

func contains(_ haystack: Data, _ needle: String) -> Bool {
    haystack.range(of: Data(needle.utf8)) != nil
}
