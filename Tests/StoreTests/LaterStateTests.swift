import Foundation
import Store
import Testing

/// States that keep their routes ride in their exchange row and reach the subscribers table later (Writer.swift).
@Suite("Subscriber states written later, and replayed after a crash")
struct LaterStateTests {
    static let hour = Store.Settings(stateWriteInterval: .seconds(3600))

    func state(_ text: String, routes: [String] = [], optedOut: Bool = false) -> SubscriberRecord {
        SubscriberRecord(language: "fr", state: Data(text.utf8), optedOut: optedOut, routes: routes)
    }

    func tableState(_ path: String, _ store: Store, _ phone: String) throws -> String? {
        try RawDatabase(path).rows(
            "SELECT state FROM subscribers WHERE pseudonym = '\(store.pseudonym(for: phone))'").first?.first
    }

    /// The database as a crash would leave it: the files copied while the store is open and idle.
    func crashCopy(_ dir: TemporaryDirectory) throws -> String {
        let copy = dir.path("crashed.sqlite")
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: dir.path("faro.sqlite") + suffix) {
            try FileManager.default.copyItem(atPath: dir.path("faro.sqlite") + suffix, toPath: copy + suffix)
        }
        return copy
    }

    @Test func aStateIsReadAtOnceAndReachesTheTableByClose() async throws {
        // Given a store that writes later states only every hour
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey, settings: Self.hour)

        // When two messages from one number leave states that keep its routes
        try await store.record(exchange(from: "+5215500000001"), saving: state("one"), routesChanged: false)
        try await store.record(exchange(from: "+5215500000001"), saving: state("two"), routesChanged: false)

        // Then the store answers with the latest at once, the table does not have it yet, and has it after close
        #expect(try store.subscriber("+5215500000001") == state("two"))
        #expect(try tableState(path, store, "+5215500000001") == nil)
        store.close()
        #expect(try tableState(path, store, "+5215500000001") == "two")
    }

    @Test(.timeLimit(.minutes(1)))
    func waitingStatesAreWrittenAfterTheIntervalEvenWithoutTraffic() async throws {
        // Given a store that writes later states every 50 ms
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey, settings: .init(stateWriteInterval: .milliseconds(50)))
        defer { store.close() }

        // When 600 numbers (more than one chunk) send one message, then nothing more comes
        for index in 0..<600 {
            try await store.record(exchange(from: "+52155\(10_000_000 + index)"), saving: state("s\(index)"),
                                   routesChanged: false)
        }

        // Then every state reaches the table, and the replay mark covers every exchange
        while try RawDatabase(path).integer("SELECT count(*) FROM subscribers") < 600 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try tableState(path, store, "+5215510000599") == "s599")
        var mark: Int64 = -1
        while mark < 600 {
            mark = Int64(try RawDatabase(path).rows(
                "SELECT value FROM meta WHERE key = 'states_applied_through'").first?.first ?? "0") ?? 0
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(mark == 600)
    }

    @Test func aStateThatChangesRoutesOrTheOptOutIsWrittenAtOnce() async throws {
        // Given a store that writes later states only every hour
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey, settings: Self.hour)
        defer { store.close() }

        // When one person subscribes to a route and another opts out
        try await store.record(exchange(from: "+5215500000001"), saving: state("sub", routes: ["golfo"]))
        try await store.record(exchange(from: "+5215500000002"), saving: state("stop", optedOut: true))

        // Then both rows are in the table already, as alerts read them
        #expect(try tableState(path, store, "+5215500000001") == "sub")
        #expect(try tableState(path, store, "+5215500000002") == "stop")
        #expect(try store.subscribers(route: "golfo") == ["+5215500000001"])
    }

    @Test func afterACrashTheStatesInTheLogAreWrittenInOrder() async throws {
        // Given states waiting to be written: two of one number, and one of a number that later subscribed
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey, settings: Self.hour)
        defer { store.close() }
        let t = Date(timeIntervalSince1970: 1_750_000_000)
        try await store.record(exchange(from: "+5215500000001", at: t), saving: state("a1"), routesChanged: false)
        try await store.record(exchange(from: "+5215500000002", at: t), saving: state("b1"), routesChanged: false)
        try await store.record(exchange(from: "+5215500000001", at: t + 1), saving: state("a2"), routesChanged: false)
        try await store.record(exchange(from: "+5215500000002", at: t + 2), saving: state("b2", routes: ["golfo"]))

        // When the process dies before writing them, and the database is opened again
        let copy = try crashCopy(dir)
        #expect(try tableState(copy, store, "+5215500000001") == nil)
        let reopened = try Store.open(path: copy, key: testKey, settings: Self.hour)
        defer { reopened.close() }

        // Then the table holds each number's latest state; the subscription written at once was not undone
        #expect(try tableState(copy, reopened, "+5215500000001") == "a2")
        #expect(try tableState(copy, reopened, "+5215500000002") == "b2")
        #expect(try reopened.subscriber("+5215500000002") == state("b2", routes: ["golfo"]))
        #expect(try RawDatabase(copy).rows("SELECT value FROM meta WHERE key = 'states_applied_through'") == [["4"]])
    }

    @Test func aLaterStateNeverOverwritesANewerOneSavedDirectly() async throws {
        // Given a waiting state
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey, settings: Self.hour)
        let t = Date(timeIntervalSince1970: 1_750_000_000)
        try await store.record(exchange(from: "+5215500000001", at: t), saving: state("old"), routesChanged: false)

        // When a newer state is saved directly, and the store closes (writing what waits)
        try store.saveSubscriber("+5215500000001", state("new"), at: t + 5)
        #expect(try store.subscriber("+5215500000001") == state("new"))
        store.close()

        // Then the newer one stays; replaying the log on the next open does not bring the old one back either
        #expect(try tableState(path, store, "+5215500000001") == "new")
        try RawDatabase(path).execute("UPDATE meta SET value = '0' WHERE key = 'states_applied_through'")
        let reopened = try Store.open(path: path, key: testKey)
        defer { reopened.close() }
        #expect(try reopened.subscriber("+5215500000001") == state("new"))
    }

    @Test func textRetentionAlsoClearsTheStatesAlreadyWritten() async throws {
        // Given an old exchange whose state is in the subscribers table, and one whose state still waits
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let t = Date(timeIntervalSince1970: 1_750_000_000)
        let first = try Store.open(path: path, key: testKey, settings: Self.hour)
        try await first.record(exchange(from: "+5215500000001", at: t), saving: state("written"), routesChanged: false)
        first.close()
        let store = try Store.open(path: path, key: testKey, settings: Self.hour)
        defer { store.close() }
        try await store.record(exchange(from: "+5215500000002", at: t), saving: state("waiting"), routesChanged: false)

        // When text retention runs for both
        try store.purge(olderThan: t - 1, textsOlderThan: t + 1)

        // Then the written state left the log with the text; the waiting one stays, for a replay
        #expect(try RawDatabase(path).rows("SELECT id, coalesce(state, 'NULL'), coalesce(text, 'NULL') FROM exchanges ORDER BY id")
            == [["1", "NULL", "NULL"], ["2", "waiting", "NULL"]])
        #expect(try store.subscriber("+5215500000001") == state("written"))
    }

    @Test func purgingEveryExchangeKeepsTheMarkBelowTheNextIds() async throws {
        // Given states written up to exchange 3
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey, settings: Self.hour)
        defer { store.close() }
        for index in 0..<3 {
            try await store.record(exchange(from: "+52155000000\(index)"), saving: state("x"), routesChanged: false)
        }
        try RawDatabase(path).execute(
            "INSERT INTO meta (key, value) VALUES ('states_applied_through', '3') ON CONFLICT (key) DO UPDATE SET value = '3'")

        // When retention deletes every exchange (row ids start again at 1)
        try store.purge(olderThan: Date().addingTimeInterval(1))

        // Then the mark is 0, so the states of new exchanges would be replayed after a crash
        #expect(try RawDatabase(path).rows("SELECT value FROM meta WHERE key = 'states_applied_through'") == [["0"]])
    }
}
