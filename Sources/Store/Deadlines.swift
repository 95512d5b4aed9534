import Dispatch
import Synchronization

// Deadlines for commit waits: a caller that must answer by a time (the HTTP gateway's request timeout) stops
// waiting then, even when the writer is stuck (another process holding the database lock, a stalled disk). The row
// stays queued, and is committed if the database frees within the busy timeout.

/// Per-request deadlines without a timer per request: one sweeper (started on demand, gone when nothing is
/// pending) fires every deadline that has passed, every `tick`. A deadline may fire up to one tick late. The sweeper
/// runs on a dispatch queue of its own, not in Swift's cooperative pool: when that pool is saturated — the very
/// moment timeouts matter — deadlines still fire (measured: a task sweeper fired 12 s late under the test load).
final class Deadlines: Sendable {
    private struct State {
        var pending: [UInt64: (deadline: ContinuousClock.Instant, fire: @Sendable () -> Void)] = [:]
        var nextID: UInt64 = 0
        var sweeping = false
    }

    private let state = Mutex(State())
    let tick: Duration
    private let queue = DispatchQueue(label: "faro.deadlines")

    init(tick: Duration = .milliseconds(20)) {
        self.tick = tick
    }

    func add(_ deadline: ContinuousClock.Instant, fire: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, start) = state.withLock { s -> (UInt64, Bool) in
            s.nextID &+= 1
            s.pending[s.nextID] = (deadline, fire)
            let start = !s.sweeping
            s.sweeping = true
            return (s.nextID, start)
        }
        if start { scheduleSweep() }
        return id
    }

    func remove(_ id: UInt64) {
        _ = state.withLock { $0.pending.removeValue(forKey: id) }
    }

    private func scheduleSweep() {
        let (seconds, attoseconds) = tick.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { self.sweep() }
    }

    private func sweep() {
        let now = ContinuousClock.now
        let (due, done) = state.withLock { s -> ([@Sendable () -> Void], Bool) in
            var due: [@Sendable () -> Void] = []
            for (id, entry) in s.pending where entry.deadline <= now {
                due.append(entry.fire)
                s.pending.removeValue(forKey: id)
            }
            if s.pending.isEmpty { s.sweeping = false }
            return (due, s.pending.isEmpty)
        }
        for fire in due { fire() }
        if !done { scheduleSweep() }
    }
}

/// A commit's caller, resumed exactly once: by the writer, or by its deadline, whichever comes first. Installed
/// before anything can finish it.
final class CommitWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var done = false
        var cleanup: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    func install(_ c: CheckedContinuation<Void, any Error>) {
        state.withLock { $0.continuation = c }
    }

    /// Runs `cleanup` when the waiter finishes (at once if it already has).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { s -> Bool in
            if s.done { return true }
            s.cleanup = cleanup
            return false
        }
        if runNow { cleanup() }
    }

    /// Delivers `result` unless one was delivered already.
    func finish(_ result: Result<Void, any Error>) {
        let (c, cleanup) = state.withLock { s -> (CheckedContinuation<Void, any Error>?, (@Sendable () -> Void)?) in
            if s.done { return (nil, nil) }
            s.done = true
            let c = s.continuation
            s.continuation = nil
            let cl = s.cleanup
            s.cleanup = nil
            return (c, cl)
        }
        c?.resume(with: result)
        cleanup?()
    }
}
