// The write statements, shared by group commit, `recordBatch`, `Recorder` and the single writes.
// Each function runs inside a transaction its caller opened on the write connection.
import Foundation

enum Writes {
    static let insertExchange = """
        INSERT INTO exchanges (at, sender, channel, session, language, intent, topic, place, route, text,
                               reply, encoding, segments, content_version, latency_us, run_id, state_language, state)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
        """

    static let upsertSubscriber = """
        INSERT INTO subscribers (pseudonym, language, state, opted_out, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (pseudonym) DO UPDATE SET language = excluded.language, state = excluded.state,
            opted_out = excluded.opted_out, updated_at = excluded.updated_at
        """

    /// A state carried by an exchange, written to its subscriber later (or replayed after a crash): never over a
    /// newer one, and never touching the opt-out, which is always written at once.
    static let upsertState = """
        INSERT INTO subscribers (pseudonym, language, state, opted_out, updated_at) VALUES (?1, ?2, ?3, 0, ?4)
        ON CONFLICT (pseudonym) DO UPDATE SET language = excluded.language, state = excluded.state,
            updated_at = excluded.updated_at
        WHERE excluded.updated_at >= subscribers.updated_at
        """

    static let subscribeRoute = """
        INSERT INTO route_subscriptions (pseudonym, route, phone, subscribed_at) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (pseudonym, route) DO UPDATE SET phone = excluded.phone
        """

    static let routesOfSubscriber = "SELECT route FROM route_subscriptions WHERE pseudonym = ?1 ORDER BY route"
    static let unsubscribeRoute = "DELETE FROM route_subscriptions WHERE pseudonym = ?1 AND route = ?2"
    static let unsubscribeAll = "DELETE FROM route_subscriptions WHERE pseudonym = ?1"

    /// Inserts one exchange; `sender` is its pseudonym (the raw `from` is never bound). `state`: the subscriber
    /// state it left, kept in the row for `upsertState`.
    @inline(__always)
    static func insert(_ e: Exchange, sender: String, state: SubscriberRecord? = nil, with statement: Statement) throws {
        statement.bind(1, unixMillis(e.at))
        statement.bind(2, sender)
        statement.bind(3, e.channel)
        statement.bind(4, e.session)
        statement.bind(5, e.language)
        statement.bind(6, e.intent)
        statement.bind(7, e.topic)
        statement.bind(8, e.place)
        statement.bind(9, e.route)
        statement.bind(10, e.text)
        statement.bind(11, e.reply)
        statement.bind(12, e.encoding)
        statement.bind(13, e.segments)
        statement.bind(14, e.contentVersion)
        statement.bind(15, e.latencyMicros)
        statement.bind(16, e.runID)
        statement.bind(17, state?.language)
        statement.bind(18, state?.state)
        try statement.run("insert exchange")
    }

    /// Saves the whole record: state, and route subscriptions set to exactly `record.routes` (none when opted out).
    static func save(_ write: SubscriberWrite, on connection: Connection) throws {
        let upsert = try connection.statement(upsertSubscriber)
        upsert.bind(1, write.pseudonym)
        upsert.bind(2, write.record.language)
        upsert.bind(3, write.record.state)
        upsert.bind(4, write.record.optedOut)
        upsert.bind(5, unixMillis(write.at))
        try upsert.run("save subscriber")
        guard write.routesChanged else { return }

        let wanted = write.record.optedOut ? [] : Set(write.record.routes)
        let current = try connection.statement(routesOfSubscriber)
        current.bind(1, write.pseudonym)
        let existing = Set(try current.rows("read subscriptions") { $0.string(0) ?? "" })
        let remove = try connection.statement(unsubscribeRoute)
        for route in existing.subtracting(wanted) {
            remove.bind(1, write.pseudonym)
            remove.bind(2, route)
            try remove.run("unsubscribe route")
        }
        for route in wanted.subtracting(existing) {
            try subscribe(pseudonym: write.pseudonym, route: route, phone: write.phone, at: write.at, on: connection)
        }
    }

    static func subscribe(pseudonym: String, route: String, phone: String, at: Date, on connection: Connection) throws {
        let statement = try connection.statement(subscribeRoute)
        statement.bind(1, pseudonym)
        statement.bind(2, route)
        statement.bind(3, phone)
        statement.bind(4, unixMillis(at))
        try statement.run("subscribe route")
    }

    static let insertEscalation = "INSERT INTO escalations (at, pseudonym, intent, place, language) VALUES (?1, ?2, ?3, ?4, ?5)"

    static func escalate(_ e: EscalationRecord, pseudonym: String, at: Date, on connection: Connection) throws {
        let statement = try connection.statement(insertEscalation)
        statement.bind(1, unixMillis(at))
        statement.bind(2, pseudonym)
        statement.bind(3, e.intent)
        statement.bind(4, e.place)
        statement.bind(5, e.language)
        try statement.run("escalate")
    }

    /// The meta key of the mark of `replayStates`: every state carried by an exchange up to this id is in the
    /// subscribers table.
    static let statesMark = "states_applied_through"
    static let readStatesMark = "SELECT CAST(value AS INTEGER) FROM meta WHERE key = '\(statesMark)'"

    static func markStatesApplied(through id: Int64, on connection: Connection) throws {
        let statement = try connection.statement(
            "INSERT INTO meta (key, value) VALUES ('\(statesMark)', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        statement.bind(1, String(id))
        try statement.run("mark states applied")
    }

    /// After a crash: writes the states carried by exchanges past the mark, in order, and moves the mark.
    /// Returns how many were written.
    static func replayStates(on connection: Connection) throws -> Int {
        try connection.transaction("replay states") {
            let mark = try connection.statement(readStatesMark).rows("read states mark") { $0.int64(0) }.first ?? 0
            let select = try connection.statement("""
                SELECT id, sender, state_language, state, at FROM exchanges
                WHERE id > ?1 AND state IS NOT NULL ORDER BY id
                """)
            select.bind(1, mark)
            let rows = try select.rows("read carried states") { row in
                (id: row.int64(0), sender: row.string(1) ?? "", language: row.string(2), state: row.data(3), at: row.int64(4))
            }
            guard let last = rows.last else { return 0 }
            let upsert = try connection.statement(upsertState)
            for row in rows {
                try saveState(pseudonym: row.sender, language: row.language, state: row.state, at: row.at, with: upsert)
            }
            try markStatesApplied(through: last.id, on: connection)
            return rows.count
        }
    }

    /// Writes a state an exchange carried (`upsertState`).
    static func saveState(pseudonym: String, language: String?, state: Data, at: Int64, with statement: Statement) throws {
        statement.bind(1, pseudonym)
        statement.bind(2, language)
        statement.bind(3, state)
        statement.bind(4, at)
        try statement.run("save state")
    }

    /// Applies one queued write. A row that also writes other rows is made atomic with a savepoint, so a failure
    /// leaves neither half. With `stateInRow` the subscriber state goes into the exchange row, and its subscriber
    /// row is written here only when `write.defersState` is false.
    /// `insert` is the connection's `insertExchange` statement, fetched once per batch by the caller.
    static func apply(_ write: PendingWrite, stateInRow: Bool, insert statement: Statement, on connection: Connection) throws {
        let state = stateInRow ? write.subscriber?.record : nil
        let saveNow = write.defersState && stateInRow ? nil : write.subscriber
        guard saveNow != nil || write.escalation != nil else {
            try insert(write.exchange, sender: write.sender, state: state, with: statement)
            return
        }
        // Prepared once per connection: `execute` would compile these two on every row.
        try connection.statement("SAVEPOINT faro_row").run("savepoint")
        do {
            try insert(write.exchange, sender: write.sender, state: state, with: statement)
            if let saveNow { try save(saveNow, on: connection) }
            if let escalation = write.escalation {
                try escalate(escalation, pseudonym: write.sender, at: write.exchange.at, on: connection)
            }
            try connection.statement("RELEASE faro_row").run("release savepoint")
        } catch {
            if connection.inTransaction {
                try? connection.execute("ROLLBACK TO faro_row", "rollback to savepoint")
                try? connection.execute("RELEASE faro_row", "release savepoint")
            }
            throw error
        }
    }
}
