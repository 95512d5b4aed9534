import Foundation
import Store
import Testing

@Suite("Checkpoints off the writer")
struct CheckpointTests {
    func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Waits up to 10 s for `condition`.
    func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test func committedRowsReachTheDatabaseFileWithoutTheWriterCheckpointing() async throws {
        // Given stores whose writer would checkpoint only past a million WAL pages: one with background
        // checkpoints every 10 ms, one whose checkpointer waits an hour
        let dir = try TemporaryDirectory()
        let rows = (0..<2000).map { exchange(from: "+50212\($0)") }
        func write(_ name: String, interval: Duration) throws -> (Store, String) {
            let path = dir.path(name)
            let store = try Store.open(path: path, key: testKey,
                                       settings: Store.Settings(checkpointInterval: interval, walLimitPages: 1_000_000))
            for chunk in stride(from: 0, to: rows.count, by: 100) { try store.recordBatch(Array(rows[chunk..<chunk + 100])) }
            return (store, path)
        }
        let (background, backgroundPath) = try write("background.sqlite", interval: .milliseconds(10))
        defer { background.close() }
        let (idle, idlePath) = try write("idle.sqlite", interval: .seconds(3600))
        defer { idle.close() }

        // Then the background thread copies the rows into the database file while the store stays open…
        #expect(try await eventually { fileSize(backgroundPath) > 400_000 }, "\(fileSize(backgroundPath)) bytes")
        // …and without it they stay in the WAL until close
        #expect(fileSize(idlePath) < 100_000, "\(fileSize(idlePath)) bytes")
        #expect(fileSize(idlePath + "-wal") > 400_000)
        #expect(try background.counts().exchanges == 2000)
    }

    @Test func theWALStaysWithinItsLimitUnderSteadyWrites() async throws {
        // Given a WAL limit of 50 pages and background checkpoints every 5 ms
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey,
                                   settings: Store.Settings(checkpointInterval: .milliseconds(5), walLimitPages: 50))
        defer { store.close() }

        // When 600 small commits write 3,000 rows (~1,800 WAL pages if the WAL never started over)
        var largest = 0
        for commit in 0..<600 {
            try store.recordBatch((0..<5).map { exchange(from: "+50213\(commit * 5 + $0)") })
            largest = max(largest, fileSize(path + "-wal"))
        }

        // Then the WAL never grew far past its limit: it started over (it may grow past the limit while a restart
        // waits for a background checkpoint to finish; 75 pages seen)
        let frame = 4096 + 24
        #expect(largest <= 100 * frame, "largest WAL \(largest / frame) pages")
        #expect(try store.counts().exchanges == 3000)
    }
}
