// The one writer: the write connection, and the thread that group-commits `record` calls.
//
// Every write goes through the write connection, under `connectionLock`: the group-commit thread holds it for a
// batch, synchronous writes (`recordBatch`, `saveSubscriber`, …) hold it for their own transaction on the
// caller's thread. So there is one writer, and synchronous calls pay no thread hop.
//
// Group commit: producers enqueue a row and suspend on a continuation. The thread takes up to `batchSize` rows,
// begins a transaction, inserts them, then keeps draining whatever producers queued meanwhile until the batch
// is full, `maxBatchDelay` has passed since it began, or the queue is empty — and commits at once. It never waits
// for the timer with an empty queue: with fewer producers than `batchSize` that would make every commit last the
// full delay (measured: 11.9 k rows/s instead of ~247 k, see shared/reference/swift-stack.md).
//
// Commit delay (`faro serve` only; off by default): behind Kannel, messages arrive one at a time (~1,600 a second
// on this machine) and each became a commit of its own — WAL pages written and copied again for one row, and the
// writer woken per message. With a delay the writer, woken by a first row, waits until `rows` rows are queued, no
// row has come for a `gap`, or the `limit` has passed. Longer waits pay twice: fewer commits, and the
// answers leave in bursts that the event loops and the pool threads handle back to back, warm, instead of one
// wake-up each (Tests/load/trickle-bench.sh, 1,500 Kannel requests/s: 175–199 µs of CPU per request with 2 ms,
// 121–131 µs with 20 ms).
// The gap keeps a client that sends one message at a time (and waits for its answer) from waiting the whole
// limit per message. A lone producer still waits one gap per row, which is why it is off by default.
//
// Subscriber states written later: most messages change only the conversation state of their number, and writing
// it to the subscribers table at once dirtied one random page per message — 4 KB of WAL for ~200 bytes, half the
// writer's time. Those states now ride in their exchange row (appended, durable with the commit) and are written
// to the subscribers table every `stateWriteInterval`, the latest per number, in key order; after a crash
// `replayStates` writes the ones past the mark. A state that changes route subscriptions or the opt-out, which
// alerts read, is written at once.
import Foundation
import Synchronization

struct SubscriberWrite: Sendable {
    let pseudonym: String
    /// Normalized number, kept only in route_subscriptions.
    let phone: String
    let record: SubscriberRecord
    let at: Date
    /// False when the caller knows the stored routes already equal `record.routes` (most messages): the route
    /// rows are then left alone instead of being read back.
    var routesChanged = true
}

/// One row (and optionally the subscriber state it left) waiting for a commit.
struct PendingWrite: Sendable {
    let exchange: Exchange
    let sender: String
    let subscriber: SubscriberWrite?
    var escalation: EscalationRecord? = nil
    /// Group commit only: the subscriber row may be written later (the state rides in the exchange row).
    var defersState = false
}

final class Writer: @unchecked Sendable {
    private let connectionLock = NSLock()
    private let connection: Connection  // guarded by connectionLock

    private let queueCondition = NSCondition()
    private var queue: [(PendingWrite, CommitWaiter)] = []  // guarded by queueCondition
    private let deadlines = Deadlines()
    private var closing = false  // guarded by queueCondition
    private var lastArrival = ContinuousClock.now  // guarded by queueCondition: when the newest row was queued
    private let stopped = DispatchSemaphore(value: 0)
    private var started = false

    private var batches = 0  // guarded by connectionLock
    private var rowsCommitted = 0  // guarded by connectionLock

    /// States committed in exchange rows, not yet in the subscribers table. Changed under connectionLock; read by
    /// `Store.subscriber` too.
    private let laterStates = Mutex(LaterStates())
    /// States written per commit while a round is open.
    static let stateChunk = 256

    let batchSize: Int
    let maxBatchDelay: Duration
    let commitDelay: Store.CommitDelay
    let stateWriteInterval: Duration
    private let log: StoreLog

    init(connection: Connection, batchSize: Int, maxBatchDelay: Duration, commitDelay: Store.CommitDelay,
         stateWriteInterval: Duration, log: StoreLog) {
        self.connection = connection
        self.batchSize = max(1, batchSize)
        self.maxBatchDelay = maxBatchDelay
        self.commitDelay = commitDelay
        self.stateWriteInterval = stateWriteInterval
        self.log = log
    }

    func start() {
        Thread { [self] in
            nameThisThread("faro-writer")
            run()
        }.start()
        started = true
    }

    // MARK: Synchronous writes

    /// Runs `body` in its own write transaction on the caller's thread.
    func write<T>(_ operation: String, _ body: (Connection) throws -> T) throws -> T {
        connectionLock.lock()
        defer { connectionLock.unlock() }
        guard connection.isOpen else { throw StoreError.closed }
        return try connection.transaction(operation) { try body(connection) }
    }

    /// Runs `body` with the write connection outside any transaction (checkpoints).
    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        connectionLock.lock()
        defer { connectionLock.unlock() }
        guard connection.isOpen else { throw StoreError.closed }
        return try body(connection)
    }

    // MARK: States written later

    /// The state of `pseudonym` committed but not yet in the subscribers table, if any.
    func laterState(of pseudonym: String) -> SubscriberWrite? {
        laterStates.withLock { $0.state(of: pseudonym) }
    }

    /// For synchronous writes of a subscriber row (inside `write`): a state waiting to be written is now older.
    func forgetLaterState(of pseudonym: String) {
        laterStates.withLock { $0.forget(pseudonym) }
    }

    /// Writes the next chunk of the round of later states (starting one if needed), and the replay mark when the
    /// chunk ends the round. Inside a transaction, under connectionLock. Returns where the chunk ends.
    private func writeLaterStates(all: Bool) throws -> Int {
        if !laterStates.withLock({ $0.roundOpen }) {
            let last = try connection.integer("SELECT coalesce(max(id), 0) FROM exchanges", "read last exchange")
            laterStates.withLock { $0.startRound(mark: last) }
        }
        let chunk = laterStates.withLock { $0.nextChunk(limit: all ? Int.max : Self.stateChunk) }
        let statement = try connection.statement(Writes.upsertState)
        for (pseudonym, write) in chunk.states {
            try Writes.saveState(pseudonym: pseudonym, language: write.record.language, state: write.record.state,
                                 at: unixMillis(write.at), with: statement)
        }
        if let mark = chunk.mark { try Writes.markStatesApplied(through: mark, on: connection) }
        return chunk.end
    }

    // MARK: Group commit

    /// Queues `write` and returns once the transaction holding it has committed — or throws
    /// `StoreError.deadlinePassed` at `deadline`, leaving the row queued.
    func commit(_ write: PendingWrite, deadline: ContinuousClock.Instant? = nil) async throws {
        let waiter = CommitWaiter()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiter.install(continuation)
            if let deadline {
                let id = deadlines.add(deadline) { waiter.finish(.failure(StoreError.deadlinePassed)) }
                waiter.onFinish { [deadlines] in deadlines.remove(id) }
            }
            queueCondition.lock()
            if closing {
                queueCondition.unlock()
                waiter.finish(.failure(StoreError.closed))
                return
            }
            queue.append((write, waiter))
            if commitDelay.gap != nil { lastArrival = .now }
            // The writer waits for a first row, or (commit delay) for `rows`: no wake-up for the others.
            if queue.count == 1 || queue.count == commitDelay.rows { queueCondition.signal() }
            queueCondition.unlock()
        }
    }

    private func take(max count: Int) -> [(PendingWrite, CommitWaiter)] {
        if queue.count <= count {
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        defer { queue.removeFirst(count) }
        return Array(queue.prefix(count))
    }

    /// The commit delay, under queueCondition: waits until `rows` are queued, `limit` has passed, or (with a gap)
    /// `gap` has passed since the newest row was queued. Woken only by the `rows`-th row: arrivals just move the
    /// time it sleeps until.
    private func waitForMoreRows() {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: commitDelay.limit)
        while queue.count < commitDelay.rows, !closing {
            let until = commitDelay.gap.map { min(end, lastArrival.advanced(by: $0)) } ?? end
            let wait = clock.now.duration(to: until)
            if wait <= .zero { break }
            _ = queueCondition.wait(until: Date(timeIntervalSinceNow: wait.inSeconds))
        }
    }

    private func run() {
        let clock = ContinuousClock()
        // After a failed commit, later states wait an interval: no busy loop against a full disk. They are safe in
        // their exchange rows meanwhile, and after a failure at close they are replayed at the next open.
        var statesPausedUntil = clock.now
        func statesDue() -> ContinuousClock.Instant? {
            laterStates.withLock { $0.due(after: stateWriteInterval) }.map { max($0, statesPausedUntil) }
        }
        while true {
            queueCondition.lock()
            var due = statesDue()
            while queue.isEmpty && !closing {
                guard let at = due else { queueCondition.wait(); continue }
                let wait = clock.now.duration(to: at)
                if wait <= .zero || !queueCondition.wait(until: Date(timeIntervalSinceNow: wait.inSeconds)) { break }
                due = statesDue()
            }
            if commitDelay.limit > .zero, !queue.isEmpty { waitForMoreRows() }
            let first = take(max: batchSize)
            let last = closing && first.isEmpty  // every queued row was committed
            queueCondition.unlock()
            let committed = commitBatch(first, writingStates: due.map { last || clock.now >= $0 } ?? false, all: last)
            if !committed { statesPausedUntil = clock.now.advanced(by: stateWriteInterval) }
            if last && (!committed || laterStates.withLock({ $0.isEmpty })) { break }
        }
        stopped.signal()
    }

    /// Commits `first` and whatever joins it, after the next chunk of later states (`all` of them) when
    /// `writingStates`. False when the transaction failed.
    private func commitBatch(_ first: [(PendingWrite, CommitWaiter)], writingStates: Bool, all: Bool) -> Bool {
        guard !first.isEmpty || writingStates else { return true }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: maxBatchDelay)
        var batch = first
        var failures: [Int: any Error] = [:]  // index in batch → the error of that row alone
        var batchError: (any Error)?
        var chunkEnd: Int?

        connectionLock.lock()
        do {
            guard connection.isOpen else { throw StoreError.closed }
            let insert = try connection.statement(Writes.insertExchange)
            try connection.execute("BEGIN IMMEDIATE", "begin batch")
            // Before this batch's rows, so the mark does not pass them.
            if writingStates { chunkEnd = try writeLaterStates(all: all) }
            var applied = 0
            while true {
                while applied < batch.count {
                    do {
                        try Writes.apply(batch[applied].0, stateInRow: true, insert: insert, on: connection)
                    } catch {
                        // The statement failed but the transaction may live on; if SQLite rolled it back, the
                        // rows already applied are gone and the whole batch fails.
                        guard connection.inTransaction else { throw error }
                        failures[applied] = error
                    }
                    applied += 1
                }
                guard batch.count < batchSize, clock.now < deadline else { break }
                queueCondition.lock()
                let more = take(max: batchSize - batch.count)
                queueCondition.unlock()
                if more.isEmpty { break }  // nobody else is waiting: commit now rather than wait for the timer
                batch += more
            }
            try connection.execute("COMMIT", "commit batch")
            batches += 1
            rowsCommitted += batch.count - failures.count
            let now = ContinuousClock.now
            laterStates.withLock { states in
                if let chunkEnd { states.chunkCommitted(end: chunkEnd) }
                for index in batch.indices where failures[index] == nil { states.committed(batch[index].0, at: now) }
            }
        } catch {
            connection.rollbackIfNeeded()
            batchError = error
        }
        connectionLock.unlock()

        if let batchError {
            log.log(.error, "group commit failed", ["rows": "\(batch.count)", "error": "\(batchError)"])
        }
        for (index, (_, waiter)) in batch.enumerated() {
            waiter.finish((batchError ?? failures[index]).map { .failure($0) } ?? .success(()))
        }
        return batchError == nil
    }

    /// Batches and rows committed by group commit so far.
    func statistics() -> (batches: Int, rows: Int) {
        connectionLock.lock()
        defer { connectionLock.unlock() }
        return (batches, rowsCommitted)
    }

    // MARK: Closing

    /// Commits what is queued, stops the thread and closes the connection. Later calls throw `StoreError.closed`.
    func close() {
        queueCondition.lock()
        let alreadyClosing = closing
        closing = true
        queueCondition.broadcast()
        queueCondition.unlock()
        guard !alreadyClosing else { return }
        if started { stopped.wait() }
        connectionLock.lock()
        connection.close()
        connectionLock.unlock()
    }
}

/// The reader: a second connection, serialized by a lock. WAL lets it read while the writer writes.
final class Reader: @unchecked Sendable {
    private let lock = NSLock()
    private let connection: Connection  // guarded by lock

    init(connection: Connection) { self.connection = connection }

    /// Runs `body` in one read transaction: the queries in it see one snapshot.
    func read<T>(_ operation: String, _ body: (Connection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard connection.isOpen else { throw StoreError.closed }
        return try connection.readTransaction(operation) { try body(connection) }
    }

    func close() {
        lock.lock()
        connection.close()
        lock.unlock()
    }
}

/// Names the calling thread where operators see it (`top -H`, perf, /proc): Foundation's `Thread.name` does not
/// reach the kernel on Linux, and Swift does not import `pthread_setname_np`. At most 15 bytes.
func nameThisThread(_ name: String) {
    try? name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
