// Checkpoints off the reply path.
//
// SQLite checkpoints on the committing connection: every `wal_autocheckpoint` pages the writer copied the WAL into
// the database file and synced both (1–4 ms each here), and meanwhile every reply waited for its commit. Under
// load that was ~20 stalls a second and 10–12% of the CPU idle (measured with wrk, docs/gateway.md).
//
// This thread, on its own connection, copies committed WAL frames into the database every `checkpointInterval`
// with PASSIVE checkpoints, which never block the writer. The WAL can only start over from its beginning when a
// write transaction begins with every frame copied, which under steady load rarely happens by itself, so the
// writer keeps SQLite's automatic checkpoint at `walLimitPages` as the bound on the WAL's size: by then this
// thread has copied all but the last few frames, and the writer's checkpoint is short.
import Foundation

final class Checkpointer: @unchecked Sendable {
    private let connection: Connection  // used by the thread only, closed when it stops
    private let interval: Duration
    private let condition = NSCondition()
    private var closing = false  // guarded by condition
    private let stopped = DispatchSemaphore(value: 0)
    private let log: StoreLog

    init(path: String, interval: Duration, busyMillis: Int64, log: StoreLog) throws {
        connection = try Connection(path: path)
        self.interval = interval
        self.log = log
        do {
            try connection.execute("PRAGMA busy_timeout = \(busyMillis)", "configure checkpoint connection")
        } catch {
            connection.close()
            throw error
        }
    }

    func start() {
        Thread { [self] in run() }.start()
    }

    private func run() {
        var failing = false
        while waitForNextRound() {
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

    /// Sleeps one interval; false once closing.
    private func waitForNextRound() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !closing { _ = condition.wait(until: Date(timeIntervalSinceNow: interval.inSeconds)) }
        return !closing
    }

    /// Copies what is committed and no reader still needs; another checkpoint running meanwhile is fine (the
    /// pragma's first column says so). A statement, not `sqlite3_wal_checkpoint_v2`: on a connection that has
    /// read nothing yet that call does nothing at all (SQLite 3.40), while the statement opens the WAL first.
    private func checkpoint() throws {
        _ = try connection.integer("PRAGMA wal_checkpoint(PASSIVE)", "checkpoint")
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
