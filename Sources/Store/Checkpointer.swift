// Checkpoints off the reply path, and only when there is something to copy.
//
// SQLite checkpoints on the committing connection: every `wal_autocheckpoint` pages the writer copied the WAL into
// the database file and synced both (1–4 ms each here), and meanwhile every reply waited for its commit. Under
// load that was ~20 stalls a second and 10–12% of the CPU idle (measured with wrk, docs/gateway.md).
//
// This thread, on its own connection, copies committed WAL frames into the database with PASSIVE checkpoints,
// which never block the writer, each time the writer has appended `checkpointPages` pages. A WAL hook on the
// write connection tells it: SQLite calls the hook after every commit with the WAL's size. The first version woke
// every 20 ms instead: an idle server woke ~50 times a second forever, and at 800 messages a second it synced
// 128 times a second (now 13); 250 pages also gave a lower p99 under wrk than 500 or 1,000 (docs/gateway.md).
//
// The WAL can only start over from its beginning when a write transaction begins with every frame copied, which
// under steady load rarely happens by itself. So the hook also does what SQLite's automatic checkpoint did (the
// hook replaces it): past `walLimitPages` the writer checkpoints itself, which is short since this thread has
// copied all but the last few frames, and the next write starts the WAL over. That bounds the WAL's size to the
// limit plus one commit.
import CSQLite
import Foundation
import Synchronization

final class Checkpointer: @unchecked Sendable {
    private let connection: Connection  // used by the thread only, closed when it stops
    private let checkpointPages: Int
    private let walLimitPages: Int
    /// The WAL size (pages) at the last wake-up; used by the hook only, which commits serialize.
    private let wokenAt = Atomic<Int>(0)
    /// Held for every checkpoint, so one never meets another: SQLite would refuse the second with SQLITE_BUSY at
    /// once instead of waiting. Taken after the writer's connection lock, never before it.
    private let checkpointing = NSLock()
    private let condition = NSCondition()
    private var due = false  // guarded by condition
    private var closing = false  // guarded by condition
    private let stopped = DispatchSemaphore(value: 0)
    private let log: StoreLog

    init(path: String, checkpointPages: Int, walLimitPages: Int, busyMillis: Int64, log: StoreLog) throws {
        connection = try Connection(path: path)
        self.checkpointPages = max(1, checkpointPages)
        self.walLimitPages = max(1, walLimitPages)
        self.log = log
        do {
            try connection.execute("PRAGMA busy_timeout = \(busyMillis)", "configure checkpoint connection")
        } catch {
            connection.close()
            throw error
        }
    }

    /// Starts the thread and installs the hook on `writer`, the one connection that writes. The hook holds this
    /// object unretained: the store closes the write connection before it closes the checkpointer.
    func start(watching writer: Connection) {
        Thread { [self] in
            nameThisThread("faro-checkpoint")
            run()
        }.start()
        sqlite3_wal_hook(writer.handle, { context, db, name, pages in
            Unmanaged<Checkpointer>.fromOpaque(context!).takeUnretainedValue().committed(walPages: Int(pages), db, name)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// After a commit on the write connection, which left `walPages` pages in the WAL.
    private func committed(walPages: Int, _ db: OpaquePointer?, _ name: UnsafePointer<CChar>?) {
        if walPages >= walLimitPages {
            // Giving up whenever the background thread was checkpointing let the WAL grow to 12 times its limit
            // in a fresh-clone test run. So wait for it here, then RESTART: that also waits (busy timeout) for readers, so the next write starts the WAL
            // over. An error (another process) is retried at the next commit.
            checkpointing.withLock {
                _ = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, nil, nil)
            }
        }
        var since = wokenAt.load(ordering: .relaxed)
        if walPages < since { since = 0 }  // the WAL started over
        guard walPages - since >= checkpointPages else { return }
        wokenAt.store(walPages, ordering: .relaxed)
        condition.lock()
        due = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var failing = false
        while waitUntilDue() {
            do {
                try checkpoint()
                if failing { log.log(.notice, "background checkpoints work again", [:]) }
                failing = false
            } catch {
                // Logged once per failing spell, not every round; the writer's own checkpoint still bounds the WAL.
                if !failing { log.log(.warning, "background checkpoint failed", ["error": "\(error)"]) }
                failing = true
            }
        }
        connection.close()
        stopped.signal()
    }

    /// Sleeps until the hook asks for a checkpoint; false once closing.
    private func waitUntilDue() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !due && !closing { condition.wait() }
        due = false
        return !closing
    }

    /// Copies what is committed and no reader still needs; another checkpoint running meanwhile is fine (the
    /// pragma's first column says so). A statement, not `sqlite3_wal_checkpoint_v2`: on a connection that has
    /// read nothing yet that call does nothing at all (SQLite 3.40), while the statement opens the WAL first.
    private func checkpoint() throws {
        try checkpointing.withLock { _ = try connection.integer("PRAGMA wal_checkpoint(PASSIVE)", "checkpoint") }
    }

    /// Runs `body`, a checkpoint on the write connection, with no background checkpoint in progress.
    func excluding<T>(_ body: () throws -> T) rethrows -> T {
        try checkpointing.withLock(body)
    }

    /// Stops the thread and closes its connection.
    func close() {
        condition.lock()
        let alreadyClosing = closing
        closing = true
        condition.signal()
        condition.unlock()
        if !alreadyClosing { stopped.wait() }
    }
}
