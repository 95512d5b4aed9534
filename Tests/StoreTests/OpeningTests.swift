import Foundation
import Store
import Testing

@Suite("Opening and migrations")
struct OpeningTests {
    @Test func freshDatabaseIsCreatedAtTheCurrentVersion() throws {
        // Given an empty folder
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")

        // When the store opens there
        let store = try Store.open(path: path, key: testKey)
        let counts = try store.counts()
        store.close()

        // Then the file is a Faro database at the current version, in WAL mode, and empty
        let raw = try RawDatabase(path)
        #expect(try raw.integer("PRAGMA user_version") == Int64(Store.schemaVersion))
        #expect(try raw.integer("PRAGMA application_id") == Int64(Store.applicationID))
        #expect(try raw.rows("PRAGMA journal_mode") == [["wal"]])
        #expect(counts == StoreCounts(
            exchanges: 0, exchangesWithText: 0, subscribers: 0, optedOut: 0, routeSubscriptions: 0,
            contentVersions: 0, runs: 0, openEscalations: 0, escalations: 0))
    }

    @Test func reopeningKeepsEverything() async throws {
        // Given a store with one of each thing written
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        var store = try Store.open(path: path, key: testKey)
        let run = try store.beginRun(source: "traffic.csv", at: Date(timeIntervalSince1970: 100))
        try await store.record(exchange(route: "pacifico", runID: run))
        try store.recordBatch([exchange(from: "+50212345678"), exchange(from: "+50312345678")])
        try store.finishRun(run, messages: 3, at: Date(timeIntervalSince1970: 101))
        try store.saveSubscriber(
            "+5215512345678",
            SubscriberRecord(language: "fr", state: Data([1, 2, 3]), optedOut: false, routes: ["golfo"]))
        try store.contentLoaded(hash: "c0ffee")
        try store.escalate(phone: "+5215512345678", intent: "emergency", place: "tapachula", language: "es")

        // When it is closed and opened again
        store.close()
        store = try Store.open(path: path, key: testKey)
        defer { store.close() }

        // Then everything is still there
        #expect(try store.counts() == StoreCounts(
            exchanges: 3, exchangesWithText: 3, subscribers: 1, optedOut: 0, routeSubscriptions: 1,
            contentVersions: 1, runs: 1, openEscalations: 1, escalations: 1))
        #expect(try store.subscriber("+52 1 55 1234 5678") == SubscriberRecord(
            language: "fr", state: Data([1, 2, 3]), optedOut: false, routes: ["golfo"]))
        let first = try #require(try store.recentExchanges(limit: 10).last)
        #expect(first.route == "pacifico")
        #expect(first.runID == run)
        #expect(first.sender == store.pseudonym(for: "+5215512345678"))
        #expect(first.at == Date(timeIntervalSince1970: 1_750_000_000))
        #expect(try store.subscribers(route: "golfo") == ["+5215512345678"])
    }

    @Test func anEmptyFileBecomesAFaroDatabase() throws {
        // Given an existing, empty file (a valid, empty SQLite database)
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))

        // When the store opens it
        let store = try Store.open(path: path, key: testKey)
        try store.recordBatch([exchange()])
        store.close()

        // Then it is migrated to the current version
        let raw = try RawDatabase(path)
        #expect(try raw.integer("PRAGMA user_version") == Int64(Store.schemaVersion))
        #expect(try raw.integer("SELECT count(*) FROM exchanges") == 1)
    }

    @Test func aVersion1DatabaseIsUpgradedInPlace() async throws {
        // Given a database as version 1 wrote it: exchanges without `route`, no subscriptions or escalations
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        do {
            let raw = try RawDatabase(path)
            try raw.execute("""
                PRAGMA application_id = \(Store.applicationID);
                CREATE TABLE exchanges (
                    id INTEGER PRIMARY KEY, at INTEGER NOT NULL, sender TEXT NOT NULL, channel TEXT NOT NULL,
                    session TEXT, language TEXT NOT NULL, intent TEXT NOT NULL, topic TEXT, place TEXT, text TEXT,
                    reply TEXT NOT NULL, encoding TEXT NOT NULL, segments INTEGER NOT NULL,
                    content_version TEXT NOT NULL, latency_us INTEGER NOT NULL, run_id INTEGER) STRICT;
                CREATE INDEX exchanges_at ON exchanges(at);
                CREATE TABLE subscribers (pseudonym TEXT PRIMARY KEY, language TEXT, state BLOB NOT NULL,
                    opted_out INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL) STRICT, WITHOUT ROWID;
                CREATE TABLE content_versions (hash TEXT PRIMARY KEY, loaded_at INTEGER NOT NULL) STRICT, WITHOUT ROWID;
                CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, finished_at INTEGER,
                    source TEXT NOT NULL, messages INTEGER) STRICT;
                INSERT INTO exchanges (at, sender, channel, language, intent, text, reply, encoding, segments,
                    content_version, latency_us)
                VALUES (1700000000000, 'old-pseudonym', 'sms', 'es', 'menu', 'hola', 'Menú…', 'UCS-2', 1, 'v1', 90);
                INSERT INTO subscribers VALUES ('old-pseudonym', 'es', x'00', 0, 1700000000000);
                PRAGMA user_version = 1;
                """)
        }

        // When the store opens it
        let store = try Store.open(path: path, key: testKey)
        defer { store.close() }
        try await store.record(exchange(route: "golfo"))
        try store.subscribe(route: "golfo", phone: "+5215512345678")

        // Then it is at the current version, the old rows are kept and the new columns and tables work
        let raw = try RawDatabase(path)
        #expect(try raw.integer("PRAGMA user_version") == Int64(Store.schemaVersion))
        let logged = try store.recentExchanges()
        #expect(logged.count == 2)
        #expect(logged[1].text == "hola")
        #expect(logged[1].sender == "old-pseudonym")
        #expect(logged[1].route == nil)
        #expect(logged[0].route == "golfo")
        #expect(try store.counts().subscribers == 1)
        #expect(try store.subscribers(route: "golfo") == ["+5215512345678"])
    }

    @Test func aNewerSchemaIsRefusedAndLeftUntouched() throws {
        // Given a Faro database from a newer build
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        try RawDatabase(path).execute("""
            PRAGMA application_id = \(Store.applicationID);
            CREATE TABLE future (x);
            PRAGMA user_version = 99;
            """)
        let before = fileBytes(path)

        // When the store opens it
        let error = #expect(throws: StoreError.self) { try Store.open(path: path, key: testKey) }

        // Then it is refused with a message naming the file and both versions, and the file is unchanged
        #expect(error == .newerSchema(path: path, found: 99, supported: Store.schemaVersion))
        let message = "\(error!)"
        #expect(message.contains(path))
        #expect(message.contains("99"))
        #expect(message.contains("(\(Store.schemaVersion))"))
        #expect(fileBytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test(arguments: [
        ("another app's database", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');", Int32(0)),
        ("another application_id", "PRAGMA application_id = 42; PRAGMA user_version = 1; CREATE TABLE t (x);", 42),
        ("an application_id alone", "PRAGMA application_id = 7;", 7),
    ])
    func aForeignSQLiteFileIsRefused(_ label: String, _ sql: String, _ applicationID: Int32) throws {
        // Given a SQLite database that Faro did not create
        let dir = try TemporaryDirectory()
        let path = dir.path("other.sqlite")
        try RawDatabase(path).execute(sql)
        let before = fileBytes(path)

        // When the store opens it
        let error = #expect(throws: StoreError.self) { try Store.open(path: path, key: testKey) }

        // Then it is refused, naming the file, and left as it was
        #expect(error == .foreignDatabase(path: path, applicationID: applicationID))
        #expect("\(error!)".contains(path))
        #expect(fileBytes(path) == before)
    }

    @Test func aFileThatIsNotSQLiteIsRefused() throws {
        // Given a text file where the database should be
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let contents = Data(String(repeating: "at,from,channel,text\n0,+5215512345678,sms,hola\n", count: 40).utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: contents))

        // When the store opens it
        let error = #expect(throws: StoreError.self) { try Store.open(path: path, key: testKey) }

        // Then it is refused, naming the file, and left as it was
        #expect(error == .notADatabase(path: path))
        #expect("\(error!)".contains(path))
        #expect(fileBytes(path) == contents)
    }

    @Test func aMissingFolderIsAClearError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("missing/faro.sqlite")
        let error = #expect(throws: StoreError.self) { try Store.open(path: path, key: testKey) }
        guard case .cannotOpen(path, _)? = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
    }

    @Test func aDatabaseWrittenWithAnotherKeyIsRefused() throws {
        // Given a database written with one key
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        try Store.open(path: path, key: testKey).close()

        // When it is opened with another key
        let error = #expect(throws: StoreError.self) { try Store.open(path: path, key: otherKey) }

        // Then it is refused: its pseudonyms would not match
        #expect(error == .keyMismatch(path: path))
        #expect(try Store.open(path: path, key: testKey).counts().exchanges == 0)
    }

    @Test func callsAfterCloseFail() async throws {
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        store.close()
        store.close()  // idempotent
        await #expect(throws: StoreError.closed) { try await store.record(exchange()) }
        #expect(throws: StoreError.closed) { try store.recordBatch([exchange()]) }
        #expect(throws: StoreError.closed) { try store.counts() }
    }

    @Test func theStoreThreadsCarryNamesOperatorsCanFind() async throws {
        // Given an open store
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        defer { store.close() }

        // Then its two threads show under their names in the kernel's list (`top -H`, perf), not under the name of
        // the thread that started them. A thread names itself as it starts: wait up to 100 polls.
        func names() -> Set<String> {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return Set(tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        }
        let wanted: Set = ["faro-writer", "faro-checkpoint"]
        for _ in 0..<100 where !names().isSuperset(of: wanted) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(names().isSuperset(of: wanted), "\(names().sorted())")
    }
}
