// A benchmark, not a test: run it from a release build and read the figures.
// It compares the Store's bulk path with the ceiling — a bare prepared INSERT of the same columns into the same
// kind of database (same schema and pragmas), values already pseudonymized — so the Store's own cost shows.
import CSQLite
import Foundation

public enum StoreBenchmark {
    /// Inserts `rows` exchanges (a) through `Store.recordBatch` in transactions of 10,000 and (b) through a bare
    /// prepared statement in transactions of 100,000, each into a new database at `path` (files there are
    /// replaced), and returns the figures.
    public static func run(rows: Int, path: String) -> String {
        do {
            return try measure(rows: rows, path: path)
        } catch {
            return "StoreBenchmark failed: \(error)"
        }
    }

    /// Group commit: `producers` tasks each `record` their share of `rows`, waiting for every commit.
    public static func runGroupCommit(rows: Int, producers: Int, path: String, settings: Store.Settings = Store.Settings())
        async -> String
    {
        do {
            removeDatabase(at: path)
            let store = try Store.open(path: path, key: key, settings: settings)
            defer { store.close(); removeDatabase(at: path) }
            let perProducer = max(1, rows / producers)
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for producer in 0..<producers {
                        group.addTask {
                            for index in 0..<perProducer {
                                // Stamped now, as live traffic is: rows arrive in time order.
                                var exchange = sample(producer * perProducer + index)
                                exchange.at = Date()
                                try await store.record(exchange)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let total = perProducer * producers
            let statistics = store.groupCommitStatistics
            return "(c) Store.record, group commit, \(producers) producers, batch \(settings.batchSize) / "
                + "\(settings.maxBatchDelay): \(total) rows in \(format(elapsed)), "
                + "\(Int(Double(total) / seconds(elapsed))) rows/s, "
                + String(format: "%.1f rows/commit", statistics.averageBatchSize)
        } catch {
            return "StoreBenchmark group commit failed: \(error)"
        }
    }

    private static let key = try! PseudonymKey(string: "benchmark key, not a secret: 0123456789")
    private static let phones = (0..<10_000).map { "+52 1 55 \(1000_0000 + $0 * 7)" }
    private static let texts = ["peligros nogales", "menu", "albergue en tapachula", "ayuda", "1", "derechos asilo"]

    private static func sample(_ index: Int) -> Exchange {
        Exchange(
            at: Date(timeIntervalSince1970: 1_750_000_000 + Double(index) / 100), from: phones[index % phones.count],
            channel: index % 5 == 0 ? "ussd" : "sms", session: index % 5 == 0 ? "s\(index / 3)" : nil,
            text: texts[index % texts.count], language: "es", intent: "dangers", topic: nil, place: "nogales",
            route: index % 3 == 0 ? "pacifico" : nil,
            reply: "Nogales: no cruce de noche. Grupos Beta dan ayuda gratis. Responda MENU para mas.",
            encoding: "GSM-7", segments: 1, contentVersion: "3f2a9c1e", latencyMicros: 100 + index % 400,
            runID: 1)
    }

    private static func measure(rows: Int, path: String) throws -> String {
        let chunk = 10_000
        let clock = ContinuousClock()
        var lines = ["StoreBenchmark: \(rows) rows of 16 columns, WAL, synchronous=NORMAL, SQLite \(String(cString: sqlite3_libversion()))"]

        // (a) The Store's bulk path: pseudonymize, bind, one transaction per 10,000 rows.
        removeDatabase(at: path)
        var storeTime = Duration.zero
        do {
            let store = try Store.open(path: path, key: key)
            defer { store.close() }
            var batch: [Exchange] = []
            batch.reserveCapacity(chunk)
            var start = 0
            while start < rows {
                batch.removeAll(keepingCapacity: true)
                for index in start..<min(rows, start + chunk) { batch.append(sample(index)) }
                storeTime += try clock.measure { try store.recordBatch(batch) }
                start += chunk
            }
            guard try store.counts().exchanges == rows else { return "StoreBenchmark: row count mismatch" }
        }
        let storeRate = Double(rows) / seconds(storeTime)
        lines.append("(a) Store.recordBatch, \(chunk) rows/transaction: \(format(storeTime)), \(Int(storeRate)) rows/s")

        // (b) The ceiling: the same INSERT through a bare prepared statement, values computed beforehand.
        removeDatabase(at: path)
        try Store.open(path: path, key: key).close()  // same schema
        let pseudonymizer = Pseudonymizer(key: key)
        let senders = phones.map { pseudonymizer.pseudonym(for: $0) }
        let large = 100_000
        var bareTime = Duration.zero
        do {
            let connection = try Connection(path: path)
            defer { connection.close() }
            try connection.execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;", "configure")
            let statement = try connection.statement(Writes.insertExchange)
            var start = 0
            while start < rows {
                let end = min(rows, start + large)
                let values = (start..<end).map { sample($0) }
                bareTime += try clock.measure {
                    try connection.execute("BEGIN", "begin")
                    for (offset, e) in values.enumerated() {
                        try Writes.insert(e, sender: senders[(start + offset) % senders.count], with: statement)
                    }
                    try connection.execute("COMMIT", "commit")
                }
                start = end
            }
        }
        let bareRate = Double(rows) / seconds(bareTime)
        lines.append("(b) bare prepared statement, \(large) rows/transaction: \(format(bareTime)), \(Int(bareRate)) rows/s")
        lines.append(String(format: "ratio (a)/(b): %.2f", storeRate / bareRate))

        // Where the difference goes: the pseudonyms alone.
        let sampleCount = min(rows, 200_000)
        let pseudonymTime = clock.measure {
            var sink = 0
            for index in 0..<sampleCount { sink &+= pseudonymizer.pseudonym(for: phones[index % phones.count]).utf8.count }
            precondition(sink > 0)
        }
        lines.append("pseudonymize alone: \(Int(Double(sampleCount) / seconds(pseudonymTime))) numbers/s")
        removeDatabase(at: path)
        return lines.joined(separator: "\n")
    }

    private static func removeDatabase(at path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private static func seconds(_ duration: Duration) -> Double { duration.inSeconds }

    private static func format(_ duration: Duration) -> String {
        String(format: "%.3f s", seconds(duration))
    }
}
