import ArgumentParser
import Foundation
import Store

/// `faro purge --older-than 90d`: retention. Deletes exchanges older than the limit and clears inbound texts
/// older than `--texts-older-than` (default: the same limit).
struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Enforce retention: delete old exchanges and texts.")
    @Option(help: "SQLite database (env FARO_DB).") var db: String = ProcessInfo.processInfo.environment["FARO_DB"] ?? "faro.sqlite"
    @Option(help: "Delete exchanges older than this (e.g. 90d, 12h).") var olderThan: String = "90d"
    @Option(help: "Clear inbound texts older than this (default: --older-than).") var textsOlderThan: String?

    func run() throws {
        let now = Date()
        let exchanges = try Self.age(olderThan), texts = try textsOlderThan.map(Self.age) ?? exchanges
        let store = try Store.open(path: db, key: try PseudonymKey.resolve(databasePath: db))
        defer { store.close() }
        let result = try store.purge(olderThan: now.addingTimeInterval(-exchanges), textsOlderThan: now.addingTimeInterval(-texts))
        print("Purged \(result.exchanges) exchanges older than \(olderThan) and \(result.texts) texts older than \(textsOlderThan ?? olderThan) from \(db).")
    }

    /// "90d", "12h", "30m" → seconds.
    static func age(_ text: String) throws -> TimeInterval {
        let units: [Character: Double] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        guard let unit = text.last.flatMap({ units[$0] }), let value = Double(text.dropLast()), value >= 0 else {
            throw ValidationError("'\(text)' is not a duration like 90d, 12h or 30m")
        }
        return value * unit
    }
}
