// Faro's storage: the only SQLite code in the project, behind one verb per intent.
//
// - Phone numbers come in raw and are turned into pseudonyms here (HMAC-SHA256 with the pseudonym key), so no
//   caller can put a raw number into the log by mistake. The one place a raw number is kept is
//   route_subscriptions, to send the alerts a person asked for; it is deleted on opt-out.
// - The schema is migrated at open; a newer or foreign file is refused without being changed.
// - WAL, synchronous=NORMAL, secure_delete (deleted numbers and texts are overwritten, not left in free pages).
// - One writer (see Writer.swift): `record` is group-committed by a dedicated thread; other writes run in their
//   own transaction on the caller's thread, serialized with it. Reads use a second connection, background
//   checkpoints a third (see Checkpointer.swift).
// - A conversation state that keeps its routes and opt-out rides in its exchange row and reaches the subscribers
//   table within `stateWriteInterval` (replayed from the log after a crash); `subscriber(_:)` sees it at once.
import Foundation

public final class Store: Sendable {
    /// The schema version this build writes (`PRAGMA user_version`).
    public static let schemaVersion = Schema.currentVersion
    /// `PRAGMA application_id` of every Faro database ("FARO").
    public static let applicationID = Schema.applicationID

    public struct Settings: Sendable {
        public enum Synchronous: String, Sendable {
            /// WAL + NORMAL: a commit survives a crash of the process; a power loss may lose the last commits.
            case normal = "NORMAL"
            /// Every commit is synced to disk: survives power loss, slower.
            case full = "FULL"
        }

        /// Group commit: a batch commits once it holds this many rows…
        public var batchSize: Int
        /// …or once it has been open this long while rows keep arriving. A batch never waits for rows that are
        /// not queued yet: when the queue is empty it commits at once…
        public var maxBatchDelay: Duration
        /// …unless this is set: the writer, woken by a row, first waits for more (see Writer.swift). For servers
        /// answering many senders at once; every lone write waits.
        public var commitDelay: CommitDelay
        /// How long a write waits for another process holding the database lock.
        public var busyTimeout: Duration
        public var synchronous: Synchronous
        /// How often conversation states carried by logged exchanges are written to the subscribers table (see
        /// Writer.swift). They are durable with their exchange either way; this is how stale the table may be for
        /// other processes reading it.
        public var stateWriteInterval: Duration
        /// A background thread copies committed WAL frames into the database file each time the writer has
        /// appended this many pages (see Checkpointer.swift).
        public var checkpointPages: Int
        /// The WAL's size bound, in pages: past it the writer checkpoints itself, and the WAL starts over.
        public var walLimitPages: Int

        public init(
            batchSize: Int = 64, maxBatchDelay: Duration = .milliseconds(2), commitDelay: CommitDelay = .off,
            busyTimeout: Duration = .seconds(5), synchronous: Synchronous = .normal, stateWriteInterval: Duration = .seconds(1),
            checkpointPages: Int = 250, walLimitPages: Int = 4000
        ) {
            self.batchSize = batchSize
            self.maxBatchDelay = maxBatchDelay
            self.commitDelay = commitDelay
            self.busyTimeout = busyTimeout
            self.synchronous = synchronous
            self.stateWriteInterval = stateWriteInterval
            self.checkpointPages = checkpointPages
            self.walLimitPages = walLimitPages
        }
    }

    /// How long the writer, woken by a first row, waits for more before it commits: until `rows` are queued, or
    /// no row has come for a `gap`, or `limit` passed. Without a gap it waits until `rows` or `limit`.
    public struct CommitDelay: Sendable, Equatable {
        public var limit: Duration
        public var rows: Int
        public var gap: Duration?

        public init(limit: Duration, rows: Int = 8, gap: Duration? = nil) {
            self.limit = limit
            self.rows = rows
            self.gap = gap
        }

        public static let off = CommitDelay(limit: .zero)
    }

    public let path: String
    let writer: Writer
    let reader: Reader
    let checkpointer: Checkpointer
    let pseudonymizer: Pseudonymizer
    let log: StoreLog

    private init(path: String, writer: Writer, reader: Reader, checkpointer: Checkpointer, pseudonymizer: Pseudonymizer,
                 log: StoreLog) {
        self.path = path
        self.writer = writer
        self.reader = reader
        self.checkpointer = checkpointer
        self.pseudonymizer = pseudonymizer
        self.log = log
    }

    deinit { close() }

    // MARK: Opening and closing

    /// Opens (creating if needed) the database at `path`, migrating it to `schemaVersion`.
    ///
    /// Throws `StoreError.notADatabase`, `.foreignDatabase` or `.newerSchema` — leaving the file untouched — for a
    /// file that is not a SQLite database, not Faro's, or from a newer build; `.keyMismatch` when the database was
    /// written with another pseudonym key.
    ///
    /// With swift-log available, `open(path:key:settings:logger:)` reports to a `Logger`.
    public static func open(path: String, key: PseudonymKey, settings: Settings = Settings()) throws -> Store {
        try open(path: path, key: key, settings: settings, log: .silent)
    }

    static func open(path: String, key: PseudonymKey, settings: Settings, log: StoreLog) throws -> Store {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else {
            throw StoreError.cannotOpen(path: path, reason: "give the path of a database file")
        }
        let pseudonymizer = Pseudonymizer(key: key)
        let busyMillis = settings.busyTimeout.components.seconds * 1000
            + settings.busyTimeout.components.attoseconds / 1_000_000_000_000_000

        let writeConnection = try Connection(path: path)
        do {
            try writeConnection.execute("PRAGMA busy_timeout = \(busyMillis)", "set busy_timeout")
            let identity = try Schema.identify(writeConnection)  // before anything that could change the file
            let mode = try writeConnection.text("PRAGMA journal_mode = WAL", "enable WAL")
            guard mode?.lowercased() == "wal" else {
                throw StoreError.cannotOpen(path: path, reason: "cannot use WAL journal mode (got \(mode ?? "nil"))")
            }
            try writeConnection.execute("""
                PRAGMA synchronous = \(settings.synchronous.rawValue);
                PRAGMA secure_delete = ON;
                PRAGMA temp_store = MEMORY;
                PRAGMA wal_autocheckpoint = \(max(1, settings.walLimitPages));  -- until the checkpointer's hook replaces it
                """, "configure connection")
            let applied = try Schema.migrate(writeConnection, keyCheck: pseudonymizer.keyCheck)
            if !applied.isEmpty {
                let from: Int = if case let .faro(version) = identity { version } else { 0 }
                log.log(.notice, "database migrated", [
                    "path": path, "from": "\(from)", "to": "\(Schema.currentVersion)",
                ])
            }
            let replayed = try Writes.replayStates(on: writeConnection)
            if replayed > 0 {
                log.log(.notice, "subscriber states written from the log after an unclean stop", ["states": "\(replayed)"])
            }
        } catch {
            writeConnection.close()
            throw error
        }

        let readConnection: Connection
        let checkpointer: Checkpointer
        do {
            readConnection = try Connection(path: path)
            try readConnection.execute("""
                PRAGMA busy_timeout = \(busyMillis);
                PRAGMA query_only = ON;
                """, "configure read connection")
            checkpointer = try Checkpointer(path: path, checkpointPages: settings.checkpointPages,
                                            walLimitPages: settings.walLimitPages, busyMillis: busyMillis, log: log)
        } catch {
            writeConnection.close()
            throw error
        }

        let writer = Writer(
            connection: writeConnection, batchSize: settings.batchSize, maxBatchDelay: settings.maxBatchDelay,
            commitDelay: settings.commitDelay, stateWriteInterval: settings.stateWriteInterval, log: log)
        checkpointer.start(watching: writeConnection)  // before the writer thread can commit
        writer.start()
        log.log(.debug, "store opened", ["path": path, "schema": "\(Schema.currentVersion)"])
        return Store(
            path: path, writer: writer, reader: Reader(connection: readConnection), checkpointer: checkpointer,
            pseudonymizer: pseudonymizer, log: log)
    }

    /// Commits what `record` calls have queued, then closes its connections. Idempotent; later calls throw
    /// `StoreError.closed`.
    public func close() {
        writer.close()
        checkpointer.close()
        reader.close()
        let (batches, rows) = writer.statistics()
        if batches > 0 { log.log(.debug, "store closed", ["rows_group_committed": "\(rows)", "commits": "\(batches)"]) }
    }

    /// The pseudonym this store writes for `phone`.
    public func pseudonym(for phone: String) -> String {
        pseudonymizer.pseudonym(for: phone)
    }

    // MARK: Exchanges

    /// Logs one exchange — and, when given, the subscriber state it left, in the same transaction — returning
    /// once it is committed. Calls from many tasks are group-committed; acknowledge a reply only after this
    /// returns. Cancelling the calling task does not withdraw the row. `routesChanged: false` promises that the
    /// stored route subscriptions and opt-out already equal the record's: the state then rides in the exchange
    /// row and reaches the subscribers table within `stateWriteInterval` (`subscriber(_:)` sees it at once).
    /// An `escalation` for staff is opened in the same transaction.
    /// With a `deadline`, throws `StoreError.deadlinePassed` then if the commit has not happened (the row stays
    /// queued, and is committed if the database frees within the busy timeout).
    public func record(_ exchange: Exchange, saving subscriber: SubscriberRecord? = nil,
                       routesChanged: Bool = true, escalation: EscalationRecord? = nil,
                       deadline: ContinuousClock.Instant? = nil) async throws {
        let sender = pseudonymizer.pseudonym(for: exchange.from)
        let subscriberWrite = subscriber.map {
            SubscriberWrite(pseudonym: sender, phone: Pseudonymizer.normalize(exchange.from), record: $0,
                            at: exchange.at, routesChanged: routesChanged)
        }
        try await writer.commit(PendingWrite(exchange: exchange, sender: sender, subscriber: subscriberWrite,
                                             escalation: escalation, defersState: !routesChanged),
                                deadline: deadline)
    }

    /// Logs `exchanges` in one transaction: all or none.
    public func recordBatch(_ exchanges: [Exchange]) throws {
        guard !exchanges.isEmpty else { return }
        let senders = exchanges.map { pseudonymizer.pseudonym(for: $0.from) }
        try writer.write("record batch") { connection in
            let statement = try connection.statement(Writes.insertExchange)
            for index in exchanges.indices {
                try Writes.insert(exchanges[index], sender: senders[index], with: statement)
            }
        }
    }

    /// A buffer for bulk logging (the simulator): commits every `every` rows and on `flush()`.
    public func recorder(every: Int = 10_000) -> Recorder {
        Recorder(store: self, every: every)
    }

    /// The most recent exchanges, newest first.
    public func recentExchanges(limit: Int = 100) throws -> [LoggedExchange] {
        try reader.read("read exchanges") { connection in
            let statement = try connection.statement("""
                SELECT id, at, sender, channel, session, text, language, intent, topic, place, route, reply,
                       encoding, segments, content_version, latency_us, run_id
                FROM exchanges ORDER BY id DESC LIMIT ?1
                """)
            statement.bind(1, limit)
            return try statement.rows("read exchanges") { row in
                LoggedExchange(
                    id: row.int64(0), at: date(unixMillis: row.int64(1)), sender: row.string(2) ?? "",
                    channel: row.string(3) ?? "", session: row.string(4), text: row.string(5),
                    language: row.string(6) ?? "", intent: row.string(7) ?? "", topic: row.string(8),
                    place: row.string(9), route: row.string(10), reply: row.string(11) ?? "",
                    encoding: row.string(12) ?? "", segments: row.int(13), contentVersion: row.string(14) ?? "",
                    latencyMicros: row.int(15), runID: row.optionalInt64(16))
            }
        }
    }

    /// How group commit has batched `record` calls since the store opened.
    public var groupCommitStatistics: GroupCommitStatistics {
        let (batches, rows) = writer.statistics()
        return GroupCommitStatistics(batches: batches, rows: rows)
    }

    // MARK: Subscribers

    /// What is remembered about the person with this number, or `nil` if nothing is.
    public func subscriber(_ phone: String) throws -> SubscriberRecord? {
        let pseudonym = pseudonymizer.pseudonym(for: phone)
        if let later = writer.laterState(of: pseudonym) { return later.record }
        return try reader.read("read subscriber") { connection in
            let select = try connection.statement(
                "SELECT language, state, opted_out FROM subscribers WHERE pseudonym = ?1")
            select.bind(1, pseudonym)
            let found = try select.rows("read subscriber") { row in
                (language: row.string(0), state: row.data(1), optedOut: row.int64(2) != 0)
            }.first
            let routes = try connection.statement(Writes.routesOfSubscriber)
            routes.bind(1, pseudonym)
            let subscribed = try routes.rows("read subscriptions") { $0.string(0) ?? "" }
            guard found != nil || !subscribed.isEmpty else { return nil }
            return SubscriberRecord(
                language: found?.language, state: found?.state ?? Data(), optedOut: found?.optedOut ?? false,
                routes: subscribed)
        }
    }

    /// Saves everything about a person: language, state, opt-out, and route subscriptions set to exactly
    /// `record.routes` (all deleted, with the number, when `record.optedOut`).
    public func saveSubscriber(_ phone: String, _ record: SubscriberRecord, at: Date = Date()) throws {
        let write = SubscriberWrite(
            pseudonym: pseudonymizer.pseudonym(for: phone), phone: Pseudonymizer.normalize(phone), record: record,
            at: at)
        try writer.write("save subscriber") { connection in
            writer.forgetLaterState(of: write.pseudonym)
            try Writes.save(write, on: connection)
        }
    }

    /// Saves many subscribers in one transaction (the simulator's final states).
    public func saveSubscribers(_ records: [(phone: String, record: SubscriberRecord)], at: Date = Date()) throws {
        let writes = records.map {
            SubscriberWrite(pseudonym: pseudonymizer.pseudonym(for: $0.phone), phone: Pseudonymizer.normalize($0.phone),
                            record: $0.record, at: at)
        }
        try writer.write("save subscribers") { connection in
            for write in writes {
                writer.forgetLaterState(of: write.pseudonym)
                try Writes.save(write, on: connection)
            }
        }
    }

    /// Subscribes the number to a route's alerts. The number (normalized) is stored, for sending them.
    public func subscribe(route: String, phone: String, at: Date = Date()) throws {
        let pseudonym = pseudonymizer.pseudonym(for: phone)
        let normalized = Pseudonymizer.normalize(phone)
        try writer.write("subscribe") {
            try Writes.subscribe(pseudonym: pseudonym, route: route, phone: normalized, at: at, on: $0)
        }
    }

    /// Deletes every route subscription of the number, and the number with them. Returns how many there were.
    @discardableResult
    public func unsubscribeAll(phone: String) throws -> Int {
        let pseudonym = pseudonymizer.pseudonym(for: phone)
        return try writer.write("unsubscribe") { connection in
            let statement = try connection.statement(Writes.unsubscribeAll)
            statement.bind(1, pseudonym)
            try statement.run("unsubscribe")
            return connection.changes
        }
    }

    /// The numbers to alert for a route: its subscribers, except anyone who opted out.
    public func subscribers(route: String) throws -> [String] {
        try reader.read("read route subscribers") { connection in
            let statement = try connection.statement("""
                SELECT r.phone FROM route_subscriptions r
                LEFT JOIN subscribers s ON s.pseudonym = r.pseudonym
                WHERE r.route = ?1 AND coalesce(s.opted_out, 0) = 0
                ORDER BY r.subscribed_at, r.pseudonym
                """)
            statement.bind(1, route)
            return try statement.rows("read route subscribers") { $0.string(0) ?? "" }
        }
    }

    // MARK: Outbox (route alerts)

    /// Queues `text` for every current subscriber of `route`; returns how many were queued.
    @discardableResult
    public func enqueueAlert(route: String, text: String, at: Date = Date()) throws -> Int {
        try writer.write("enqueue alert") { connection in
            let statement = try connection.statement("""
                INSERT INTO outbox (created_at, pseudonym, route, text, next_attempt_at)
                SELECT ?1, r.pseudonym, r.route, ?2, ?1 FROM route_subscriptions r
                LEFT JOIN subscribers s ON s.pseudonym = r.pseudonym
                WHERE r.route = ?3 AND coalesce(s.opted_out, 0) = 0
                """)
            statement.bind(1, unixMillis(at))
            statement.bind(2, text)
            statement.bind(3, route)
            try statement.run("enqueue alert")
            return connection.changes
        }
    }

    /// Alerts due for sending, with the number looked up now. Alerts whose person unsubscribed are dropped.
    public func dueAlerts(at: Date = Date(), limit: Int = 100) throws -> [OutboxItem] {
        let due = try reader.read("read due alerts") { connection in
            let statement = try connection.statement("""
                SELECT o.id, o.route, o.text, o.attempts, r.phone FROM outbox o
                LEFT JOIN route_subscriptions r ON r.pseudonym = o.pseudonym AND r.route = o.route
                WHERE o.status = 'pending' AND o.next_attempt_at <= ?1
                ORDER BY o.next_attempt_at, o.id LIMIT ?2
                """)
            statement.bind(1, unixMillis(at))
            statement.bind(2, limit)
            return try statement.rows("read due alerts") { row in
                (id: row.int64(0), route: row.string(1) ?? "", text: row.string(2) ?? "", attempts: row.int(3),
                 phone: row.string(4))
            }
        }
        let gone = due.filter { $0.phone == nil }.map(\.id)
        if !gone.isEmpty { try settle(gone, status: "dropped", error: "unsubscribed", at: at) }
        return due.compactMap { item in
            item.phone.map { OutboxItem(id: item.id, route: item.route, phone: $0, text: item.text, attempts: item.attempts) }
        }
    }

    public func markSent(_ id: Int64, at: Date = Date()) throws { try settle([id], status: "sent", error: nil, at: at) }

    /// A failed attempt: retried at `retryAt`, or given up when it is nil. `error` must not contain the number.
    public func markFailed(_ id: Int64, error: String, retryAt: Date?, at: Date = Date()) throws {
        try writer.write("alert failed") { connection in
            let statement = try connection.statement("""
                UPDATE outbox SET attempts = attempts + 1, last_error = ?2,
                    status = CASE WHEN ?3 IS NULL THEN 'failed' ELSE 'pending' END,
                    next_attempt_at = coalesce(?3, next_attempt_at)
                WHERE id = ?1
                """)
            statement.bind(1, id)
            statement.bind(2, error)
            statement.bind(3, retryAt.map(unixMillis))
            try statement.run("alert failed")
        }
    }

    private func settle(_ ids: [Int64], status: String, error: String?, at: Date) throws {
        try writer.write("settle alerts") { connection in
            let statement = try connection.statement("""
                UPDATE outbox SET status = ?2, sent_at = ?3, last_error = ?4, attempts = attempts + 1 WHERE id = ?1
                """)
            for id in ids {
                statement.reset()
                statement.bind(1, id)
                statement.bind(2, status)
                statement.bind(3, unixMillis(at))
                statement.bind(4, error)
                try statement.run("settle alert")
            }
        }
    }

    /// Outbox rows by status.
    public func outboxCounts() throws -> [String: Int] {
        try reader.read("count outbox") { connection in
            let statement = try connection.statement("SELECT status, count(*) FROM outbox GROUP BY status")
            return Dictionary(uniqueKeysWithValues: try statement.rows("count outbox") { ($0.string(0) ?? "", $0.int(1)) })
        }
    }

    // MARK: Content versions and runs

    /// Notes that the content with this hash was loaded (the first load time is kept).
    public func contentLoaded(hash: String, at: Date = Date()) throws {
        try writer.write("record content version") { connection in
            let statement = try connection.statement(
                "INSERT INTO content_versions (hash, loaded_at) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING")
            statement.bind(1, hash)
            statement.bind(2, unixMillis(at))
            try statement.run("record content version")
        }
    }

    /// Starts a simulator run; its id goes into `Exchange.runID`.
    public func beginRun(source: String, at: Date = Date()) throws -> Int64 {
        try writer.write("begin run") { connection in
            let statement = try connection.statement("INSERT INTO runs (started_at, source) VALUES (?1, ?2)")
            statement.bind(1, unixMillis(at))
            statement.bind(2, source)
            try statement.run("begin run")
            return connection.lastInsertRowID
        }
    }

    public func finishRun(_ id: Int64, messages: Int, at: Date = Date()) throws {
        try writer.write("finish run") { connection in
            let statement = try connection.statement(
                "UPDATE runs SET finished_at = ?2, messages = ?3 WHERE id = ?1")
            statement.bind(1, id)
            statement.bind(2, unixMillis(at))
            statement.bind(3, messages)
            try statement.run("finish run")
        }
    }

    // MARK: Escalations

    /// Opens an escalation for staff. Only the pseudonym, intent, place and language are kept — no text.
    @discardableResult
    public func escalate(phone: String, intent: String, place: String?, language: String, at: Date = Date())
        throws -> Int64
    {
        let pseudonym = pseudonymizer.pseudonym(for: phone)
        return try writer.write("escalate") { connection in
            try Writes.escalate(EscalationRecord(intent: intent, place: place, language: language), pseudonym: pseudonym,
                                at: at, on: connection)
            return connection.lastInsertRowID
        }
    }

    /// Open escalations, oldest first.
    public func openEscalations() throws -> [Escalation] {
        try reader.read("read escalations") { connection in
            let statement = try connection.statement("""
                SELECT id, at, pseudonym, intent, place, language FROM escalations
                WHERE status = 'open' ORDER BY at, id
                """)
            return try statement.rows("read escalations") { row in
                Escalation(
                    id: row.int64(0), at: date(unixMillis: row.int64(1)), pseudonym: row.string(2) ?? "",
                    intent: row.string(3) ?? "", place: row.string(4), language: row.string(5) ?? "", closed: false)
            }
        }
    }

    public func closeEscalation(_ id: Int64, at: Date = Date()) throws {
        try writer.write("close escalation") { connection in
            let statement = try connection.statement(
                "UPDATE escalations SET status = 'closed', closed_at = ?2 WHERE id = ?1 AND status = 'open'")
            statement.bind(1, id)
            statement.bind(2, unixMillis(at))
            try statement.run("close escalation")
        }
    }

    // MARK: Retention and maintenance

    /// Retention: deletes exchanges older than `olderThan`, and clears the inbound text (and the conversation state
    /// carried for the subscribers table, once written there) of those older than `textsOlderThan` (a shorter text
    /// retention), then checkpoints so the removed data leaves the WAL file too.
    @discardableResult
    public func purge(olderThan: Date, textsOlderThan: Date? = nil) throws -> PurgeResult {
        let result = try writer.write("purge") { connection in
            let delete = try connection.statement("DELETE FROM exchanges WHERE at < ?1")
            delete.bind(1, unixMillis(olderThan))
            try delete.run("purge exchanges")
            var result = PurgeResult(exchanges: connection.changes, texts: 0)
            // Row ids restart below the mark once the newest rows are gone: keep the mark at the last one left.
            try connection.execute("""
                UPDATE meta SET value = CAST((SELECT coalesce(max(id), 0) FROM exchanges) AS TEXT)
                WHERE key = '\(Writes.statesMark)' AND (\(Writes.readStatesMark)) > (SELECT coalesce(max(id), 0) FROM exchanges)
                """, "keep the states mark")
            if let textsOlderThan {
                let clear = try connection.statement(
                    "UPDATE exchanges SET text = NULL WHERE at < ?1 AND text IS NOT NULL")
                clear.bind(1, unixMillis(textsOlderThan))
                try clear.run("purge texts")
                result.texts = connection.changes
                // The conversation states those rows carried, once in the subscribers table, go with the texts.
                let states = try connection.statement("""
                    UPDATE exchanges SET state = NULL, state_language = NULL
                    WHERE at < ?1 AND state IS NOT NULL
                      AND id <= (\(Writes.readStatesMark))
                    """)
                states.bind(1, unixMillis(textsOlderThan))
                try states.run("purge carried states")
            }
            return result
        }
        try checkpoint()
        log.log(.info, "purged", ["exchanges": "\(result.exchanges)", "texts": "\(result.texts)"])
        return result
    }

    /// Copies the WAL into the database file and truncates the WAL (after a waiting background checkpoint: one in
    /// progress would make it fail at once, leaving purged data in the WAL file).
    public func checkpoint() throws {
        try writer.withConnection { connection in
            try checkpointer.excluding {
                let statement = try connection.statement("PRAGMA wal_checkpoint(TRUNCATE)")
                let busy = try statement.rows("checkpoint") { $0.int64(0) }.first ?? 0
                if busy != 0 { log.log(.info, "checkpoint could not finish: a reader is active") }
            }
        }
    }

    public func counts() throws -> StoreCounts {
        try reader.read("count") { connection in
            let statement = try connection.statement("""
                SELECT (SELECT count(*) FROM exchanges),
                       (SELECT count(*) FROM exchanges WHERE text IS NOT NULL),
                       (SELECT count(*) FROM subscribers),
                       (SELECT count(*) FROM subscribers WHERE opted_out != 0),
                       (SELECT count(*) FROM route_subscriptions),
                       (SELECT count(*) FROM content_versions),
                       (SELECT count(*) FROM runs),
                       (SELECT count(*) FROM escalations WHERE status = 'open'),
                       (SELECT count(*) FROM escalations)
                """)
            return try statement.rows("count") { row in
                StoreCounts(
                    exchanges: row.int(0), exchangesWithText: row.int(1), subscribers: row.int(2),
                    optedOut: row.int(3), routeSubscriptions: row.int(4), contentVersions: row.int(5),
                    runs: row.int(6), openEscalations: row.int(7), escalations: row.int(8))
            }[0]
        }
    }
}

/// Buffers exchanges (and subscriber saves) and commits them in one transaction every `every` rows and on
/// `flush()`. For one caller at a time (the simulator's loop). Nothing is committed until a flush: acknowledge
/// only what a flush has returned for, and call `flush()` before finishing. If a flush throws, its rows stay
/// buffered.
public final class Recorder {
    public let every: Int
    private let store: Store
    private var pending: [PendingWrite] = []

    init(store: Store, every: Int) {
        self.store = store
        self.every = max(1, every)
        pending.reserveCapacity(self.every)
    }

    /// Rows buffered, not yet committed.
    public var pendingCount: Int { pending.count }

    /// Buffers one exchange, and the subscriber state it left if given; commits when `every` rows are buffered.
    public func record(_ exchange: Exchange, saving subscriber: SubscriberRecord? = nil) throws {
        let sender = store.pseudonymizer.pseudonym(for: exchange.from)
        let subscriberWrite = subscriber.map {
            SubscriberWrite(
                pseudonym: sender, phone: Pseudonymizer.normalize(exchange.from), record: $0, at: exchange.at)
        }
        pending.append(PendingWrite(exchange: exchange, sender: sender, subscriber: subscriberWrite))
        if pending.count >= every { try flush() }
    }

    /// Commits everything buffered, in one transaction.
    public func flush() throws {
        guard !pending.isEmpty else { return }
        try store.writer.write("record batch") { connection in
            let insert = try connection.statement(Writes.insertExchange)
            for write in pending { try Writes.apply(write, stateInRow: false, insert: insert, on: connection) }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
