import Foundation
import Store
import Testing

@Suite("Writing: group commit, batches, subscribers")
struct WritingTests {
    @Test func twoHundredConcurrentProducersAreAllCommitted() async throws {
        // Given a store with the default group commit (64 rows or 2 ms)
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        defer { store.close() }

        // When 200 tasks each record an exchange at once
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try await store.record(exchange(from: "+52155\(10_000_000 + index)")) }
            }
            try await group.waitForAll()
        }

        // Then every one is committed, once, by the time its call returned
        #expect(try store.counts().exchanges == 200)
        let senders = Set(try store.recentExchanges(limit: 1000).map(\.sender))
        #expect(senders.count == 200)
    }

    @Test(.timeLimit(.minutes(3)))
    func aLoneProducerDoesNotWaitForTheBatchTimer() async throws {
        // Given batches of up to 1000 rows held open for up to an hour while rows keep coming
        let dir = try TemporaryDirectory()
        let settings = Store.Settings(batchSize: 1000, maxBatchDelay: .seconds(3600))
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey, settings: settings)
        defer { store.close() }

        // When a single producer records 5 exchanges one after another
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for _ in 0..<5 { try await store.record(exchange()) }
        }

        // Then each commits as soon as the queue is empty, not after the timer (waiting for it would take 5 hours;
        // the bound is loose because other tests share the 2 cores and the cooperative pool: under the full suite a
        // resumed record waited 32 s for a pool thread)
        #expect(elapsed < .seconds(150))
        #expect(try store.counts().exchanges == 5)
    }

    @Test(.timeLimit(.minutes(2)))
    func aCommitDelayGathersRowsThatArriveApartIntoOneCommit() async throws {
        // Given a store whose writer waits up to 20 s after a first row for more (ending at 8 rows)
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey,
                                   settings: Store.Settings(commitDelay: .init(limit: .seconds(20))))
        defer { store.close() }

        // When 8 producers start 20 ms apart (without the delay, each would find the writer idle: 8 commits)
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask { try await store.record(exchange(from: "+52155\(20_000_000 + index)")) }
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await group.waitForAll()
            }
        }

        // Then they share one commit, made when the eighth row arrived rather than after the 20 s
        #expect(store.groupCommitStatistics == GroupCommitStatistics(batches: 1, rows: 8))
        #expect(elapsed < .seconds(15))
        #expect(try store.counts().exchanges == 8)
    }

    @Test(.timeLimit(.minutes(10)))
    func aCommitDelayWithAGapEndsWhenAGapBringsNoRow() async throws {
        // Given a writer that waits up to an hour for 8 rows, or until a 200 ms gap brings none
        let dir = try TemporaryDirectory()
        let delay = Store.CommitDelay(limit: .seconds(3600), rows: 8, gap: .milliseconds(200))
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey, settings: Store.Settings(commitDelay: delay))
        defer { store.close() }

        // When a lone producer records one exchange
        let elapsed = try await ContinuousClock().measure { try await store.record(exchange()) }

        // Then it is committed after the gap, not after the limit (loose bound: under the full suite a resumed
        // record has waited 30 s and more for a pool thread)
        #expect(elapsed < .seconds(300))
        #expect(store.groupCommitStatistics == GroupCommitStatistics(batches: 1, rows: 1))
    }

    @Test(.timeLimit(.minutes(10)))
    func rowsArrivingWithinTheGapKeepTheCommitDelayOpen() async throws {
        // Given a writer that waits up to an hour for 8 rows, or until a 10 s gap brings none
        let dir = try TemporaryDirectory()
        let delay = Store.CommitDelay(limit: .seconds(3600), rows: 8, gap: .seconds(10))
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey, settings: Store.Settings(commitDelay: delay))
        defer { store.close() }

        // When 4 producers start 4 s apart, so the last arrives after a gap from the first has passed (6 s to spare
        // for each, on a machine where the suite can keep a task waiting for seconds)
        let elapsed = try await ContinuousClock().measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    if index > 0 { try await Task.sleep(for: .seconds(4)) }
                    group.addTask { try await store.record(exchange(from: "+52155\(40_000_000 + index)")) }
                }
                try await group.waitForAll()
            }
        }

        // Then each row moved the end of the wait: one commit, a gap after the last row, long before the limit
        #expect(store.groupCommitStatistics == GroupCommitStatistics(batches: 1, rows: 4))
        #expect(elapsed < .seconds(300))
    }

    @Test func withoutACommitDelayRowsThatArriveApartCommitAtOnce() async throws {
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        defer { store.close() }

        for index in 0..<3 { try await store.record(exchange(from: "+52155\(30_000_000 + index)")) }

        #expect(store.groupCommitStatistics == GroupCommitStatistics(batches: 3, rows: 3))
    }

    @Test func closingCommitsWhatIsQueuedAndEveryAcknowledgedRowIsKept() async throws {
        // Given producers recording while the store is being closed
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey)
        let acknowledged = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<100 {
                group.addTask {
                    do {
                        try await store.record(exchange(from: "+5215500\(100_000 + index)"))
                        return true
                    } catch StoreError.closed {
                        return false
                    }
                }
            }
            group.addTask {
                store.close()
                return false
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }

        // Then every acknowledged row is in the file, and no other
        let reopened = try Store.open(path: path, key: testKey)
        defer { reopened.close() }
        #expect(try reopened.counts().exchanges == acknowledged)
    }

    @Test(.timeLimit(.minutes(1)))
    func aCommitThatCannotHappenStopsWaitingAtItsDeadlineAndIsCommittedLater() async throws {
        // Given another process holding the database's write lock, and a store that waits up to 30 s for it
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey, settings: .init(busyTimeout: .seconds(30)))
        defer { store.close() }
        let other = try RawDatabase(path)
        try other.execute("BEGIN IMMEDIATE")

        // When an exchange must be logged within 300 ms
        let start = ContinuousClock.now
        await #expect(throws: StoreError.deadlinePassed) {
            try await store.record(exchange(), deadline: .now + .milliseconds(300))
        }

        // Then the caller hears so at the deadline, long before the busy timeout (with room for a loaded machine)…
        #expect(ContinuousClock.now - start < .seconds(15))
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        // …and the row, still queued, is committed once the lock is released
        try other.execute("COMMIT")
        while try store.counts().exchanges == 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try store.counts().exchanges == 1)
        // A deadline that is not reached changes nothing
        try await store.record(exchange(), deadline: .now + .seconds(60))
        #expect(try store.counts().exchanges == 2)
    }

    @Test func recordCanSaveTheSubscriberInTheSameCommit() async throws {
        // Given a store
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        defer { store.close() }

        // When an exchange is recorded together with the state it left
        let state = SubscriberRecord(language: "en", state: Data("menu".utf8), optedOut: false, routes: ["centro"])
        try await store.record(exchange(from: "+1 (555) 010-9999", intent: "subscribe", route: "centro"),
                               saving: state)

        // Then both are there
        #expect(try store.counts().exchanges == 1)
        #expect(try store.subscriber("+15550109999") == state)
        #expect(try store.subscribers(route: "centro") == ["+15550109999"])
    }

    @Test func recordBatchWritesEveryRow() throws {
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        defer { store.close() }

        try store.recordBatch((0..<2500).map { exchange(from: "+50212\($0)") })
        try store.recordBatch([])

        #expect(try store.counts().exchanges == 2500)
    }

    @Test func aRecorderCommitsEveryKRowsAndOnFlush() throws {
        // Given a recorder that commits every 3 rows
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        defer { store.close() }
        let recorder = store.recorder(every: 3)

        // When 5 exchanges are recorded
        for index in 0..<5 {
            let saved = SubscriberRecord(language: "es", state: Data([UInt8(index)]), optedOut: false, routes: [])
            try recorder.record(exchange(from: "+5215500000001"), saving: saved)
        }

        // Then 3 are committed and 2 wait for the flush
        #expect(try store.counts().exchanges == 3)
        #expect(recorder.pendingCount == 2)
        #expect(try store.subscriber("+5215500000001")?.state == Data([2]))
        try recorder.flush()
        #expect(try store.counts().exchanges == 5)
        #expect(recorder.pendingCount == 0)
        #expect(try store.subscriber("+5215500000001")?.state == Data([4]))
    }

    @Test func savingASubscriberSetsItsRoutesAndOptingOutDeletesThem() throws {
        // Given a subscriber on two routes
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        defer { store.close() }
        let phone = "+502 5555-1234"
        try store.saveSubscriber(phone, SubscriberRecord(
            language: "es", state: Data(), optedOut: false, routes: ["golfo", "pacifico"]))
        #expect(try store.subscribers(route: "golfo") == ["+50255551234"])
        #expect(try store.subscriber(phone)?.routes == ["golfo", "pacifico"])

        // When they drop one route, then opt out
        try store.saveSubscriber(phone, SubscriberRecord(
            language: "es", state: Data(), optedOut: false, routes: ["pacifico"]))
        #expect(try store.subscribers(route: "golfo") == [])
        try store.saveSubscriber(phone, SubscriberRecord(
            language: "es", state: Data([9]), optedOut: true, routes: ["pacifico"]))

        // Then no route keeps their number, and the opt-out is remembered
        #expect(try store.subscribers(route: "pacifico") == [])
        #expect(try store.counts().routeSubscriptions == 0)
        #expect(try store.subscriber(phone) == SubscriberRecord(
            language: "es", state: Data([9]), optedOut: true, routes: []))
    }

    @Test func anOptedOutPersonIsNeverAlertedEvenIfSubscribedAgainByMistake() throws {
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        defer { store.close() }
        try store.saveSubscriber("+5215512345678", SubscriberRecord(
            language: nil, state: Data(), optedOut: true, routes: []))
        try store.subscribe(route: "golfo", phone: "+5215512345678")
        try store.subscribe(route: "golfo", phone: "+50255551234")

        #expect(try store.subscribers(route: "golfo") == ["+50255551234"])
        #expect(try store.unsubscribeAll(phone: "+5215512345678") == 1)
        #expect(try store.subscriber("+5215599999999") == nil)
    }

    @Test func escalationsKeepNoTextAndCanBeClosed() throws {
        let dir = try TemporaryDirectory()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: testKey)
        defer { store.close() }
        let at = Date(timeIntervalSince1970: 1_750_000_000)
        let id = try store.escalate(phone: "+5215512345678", intent: "emergency", place: "altar", language: "fr", at: at)
        try store.escalate(phone: "+5215512345679", intent: "medical", place: nil, language: "es", at: at + 1)

        let open = try store.openEscalations()
        #expect(open.count == 2)
        #expect(open[0] == Escalation(
            id: id, at: at, pseudonym: store.pseudonym(for: "+5215512345678"), intent: "emergency", place: "altar",
            language: "fr", closed: false))

        try store.closeEscalation(id)
        #expect(try store.openEscalations().map(\.intent) == ["medical"])
        #expect(try store.counts().escalations == 2)
    }

    @Test func errorsNameTheOperationButNoBoundValue() throws {
        // Given another process holding the write lock, and a short busy timeout
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(
            path: path, key: testKey, settings: Store.Settings(busyTimeout: .milliseconds(50)))
        defer { store.close() }
        let other = try RawDatabase(path)
        try other.execute("BEGIN IMMEDIATE")
        defer { try? other.execute("ROLLBACK") }

        // When a write with a phone number fails
        let error = #expect(throws: StoreError.self) {
            try store.subscribe(route: "golfo", phone: "+5215512345678")
        }

        // Then the message says what failed, and has no number in it
        let message = "\(error!)"
        #expect(message.contains("subscribe"))
        #expect(message.contains("locked"))
        #expect(!message.contains("5512345678"))
        #expect(!message.contains(store.pseudonym(for: "+5215512345678")))
    }
}
