// The schema, as an append-only list of migrations. `PRAGMA user_version` holds the number of the last one
// applied; `PRAGMA application_id` marks the file as Faro's. Never edit a shipped migration: add one.
import Foundation

struct Migration: Sendable {
    let version: Int
    let name: String
    let sql: String
}

enum Schema {
    /// "FARO" in ASCII.
    static let applicationID: Int32 = 0x4641_524F

    static let migrations: [Migration] = [
        Migration(version: 1, name: "exchanges, subscribers, content versions, runs", sql: """
            CREATE TABLE exchanges (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,              -- unix milliseconds
                sender TEXT NOT NULL,             -- pseudonym, never a phone number
                channel TEXT NOT NULL,
                session TEXT,
                language TEXT NOT NULL,
                intent TEXT NOT NULL,
                topic TEXT,
                place TEXT,
                text TEXT,                        -- inbound text; cleared by text retention
                reply TEXT NOT NULL,
                encoding TEXT NOT NULL,
                segments INTEGER NOT NULL,
                content_version TEXT NOT NULL,
                latency_us INTEGER NOT NULL,
                run_id INTEGER
            ) STRICT;
            CREATE INDEX exchanges_at ON exchanges(at);
            CREATE TABLE subscribers (
                pseudonym TEXT PRIMARY KEY,
                language TEXT,
                state BLOB NOT NULL,              -- conversation state, opaque to the store
                opted_out INTEGER NOT NULL DEFAULT 0,
                updated_at INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE content_versions (
                hash TEXT PRIMARY KEY,
                loaded_at INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                source TEXT NOT NULL,
                messages INTEGER
            ) STRICT;
            """),
        Migration(version: 2, name: "routes: exchanges.route, route subscriptions, escalations, key check", sql: """
            ALTER TABLE exchanges ADD COLUMN route TEXT;
            -- The only table holding raw phone numbers: needed to send the alerts a person asked for.
            -- Rows are deleted on opt-out.
            CREATE TABLE route_subscriptions (
                pseudonym TEXT NOT NULL,
                route TEXT NOT NULL,
                phone TEXT NOT NULL,
                subscribed_at INTEGER NOT NULL,
                PRIMARY KEY (pseudonym, route)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX route_subscriptions_route ON route_subscriptions(route);
            CREATE TABLE escalations (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                pseudonym TEXT NOT NULL,
                intent TEXT NOT NULL,
                place TEXT,
                language TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
                closed_at INTEGER
            ) STRICT;
            CREATE INDEX escalations_status ON escalations(status, at);
            CREATE TABLE meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) STRICT, WITHOUT ROWID;
            """),
        Migration(version: 3, name: "outbox of route alerts", sql: """
            -- One row per alert and subscriber. It holds the pseudonym, not the number: the sender looks the number
            -- up in route_subscriptions when it sends, so a person who sent STOP meanwhile gets nothing.
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                created_at INTEGER NOT NULL,
                pseudonym TEXT NOT NULL,
                route TEXT NOT NULL,
                text TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                sent_at INTEGER,
                last_error TEXT
            ) STRICT;
            CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
            """),
        Migration(version: 4, name: "the subscriber state an exchange left, for states written later", sql: """
            -- Set on exchanges that left a subscriber state. The subscribers table is brought up to date from
            -- them in batches (meta 'states_through' is the last exchange id applied), and from here after a
            -- crash, so a state is durable with its exchange's commit without a random page write per message.
            ALTER TABLE exchanges ADD COLUMN state_language TEXT;
            ALTER TABLE exchanges ADD COLUMN state BLOB;
            """),
    ]

    static var currentVersion: Int { migrations.last!.version }

    /// What the file is, read without changing it.
    enum Identity: Equatable {
        case empty
        case faro(version: Int)
    }

    static func identify(_ connection: Connection) throws -> Identity {
        let path = connection.path
        let applicationID: Int32
        let version: Int
        let objects: Int64
        do {
            applicationID = Int32(truncatingIfNeeded: try connection.integer("PRAGMA application_id", "read application_id"))
            version = Int(try connection.integer("PRAGMA user_version", "read user_version"))
            objects = try connection.integer("SELECT count(*) FROM sqlite_master", "read schema")
        } catch let StoreError.sqlite(_, code, _) where code & 0xff == 26 /* SQLITE_NOTADB */ {
            throw StoreError.notADatabase(path: path)
        }
        if applicationID == 0 && version == 0 && objects == 0 { return .empty }
        guard applicationID == Self.applicationID else {
            throw StoreError.foreignDatabase(path: path, applicationID: applicationID)
        }
        guard version <= currentVersion else {
            throw StoreError.newerSchema(path: path, found: version, supported: currentVersion)
        }
        return .faro(version: version)
    }

    /// Brings the database to `currentVersion` in one transaction and checks (or records) the key.
    /// Returns the versions applied.
    static func migrate(_ connection: Connection, keyCheck: String) throws -> [Int] {
        try connection.transaction("migrate") {
            // Identify again inside the write lock: another process may have migrated meanwhile.
            let from: Int
            switch try identify(connection) {
            case .empty:
                from = 0
                try connection.execute("PRAGMA application_id = \(applicationID)", "set application_id")
            case let .faro(version):
                from = version
            }
            var applied: [Int] = []
            for migration in migrations where migration.version > from {
                do {
                    try connection.execute(migration.sql, "migration \(migration.version)")
                    try connection.execute("PRAGMA user_version = \(migration.version)", "set user_version")
                } catch {
                    throw StoreError.migrationFailed(
                        path: connection.path, version: migration.version, reason: "\(error)")
                }
                applied.append(migration.version)
            }
            let stored = try connection.statement("SELECT value FROM meta WHERE key = 'pseudonym_key_check'")
            let existing = try stored.rows("read key check") { $0.string(0) }.first ?? nil
            if let existing {
                guard existing == keyCheck else { throw StoreError.keyMismatch(path: connection.path) }
            } else {
                let insert = try connection.statement("INSERT INTO meta(key, value) VALUES ('pseudonym_key_check', ?1)")
                insert.bind(1, keyCheck)
                try insert.run("record key check")
            }
            return applied
        }
    }
}
