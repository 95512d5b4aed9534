import Dispatch
import Synchronization

struct TimeoutError: Error {}

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

    var pendingCount: Int { state.withLock { $0.pending.count } }

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

/// Runs `operation` and returns its result, or throws `TimeoutError` once `limit` has passed, even when the
/// operation ignores cancellation (it is then cancelled and left to finish on its own; its result is dropped).
func withTimeout<T: Sendable>(
    _ limit: Duration, deadlines: Deadlines, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let gate = Gate<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            gate.install(continuation)
            let work = Task {
                do { gate.finish(.success(try await operation())) } catch { gate.finish(.failure(error)) }
            }
            let id = deadlines.add(.now + limit) {
                if gate.finish(.failure(TimeoutError())) { work.cancel() }
            }
            gate.onFinish { deadlines.remove(id) }
        }
    } onCancel: {
        gate.finish(.failure(CancellationError()))
    }
}

/// Resumes a continuation exactly once.
private final class Gate<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var pending: Result<T, any Error>?
        var done = false
        var cleanup: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    func install(_ c: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { s in
            if let p = s.pending { s.pending = nil; return p }
            s.continuation = c
            return nil
        }
        if let early { c.resume(with: early) }
    }

    /// Runs `cleanup` when the gate finishes (at once if it already has).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { s -> Bool in
            if s.done { return true }
            s.cleanup = cleanup
            return false
        }
        if runNow { cleanup() }
    }

    /// True when this call delivered the result (the first caller wins).
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (c, cleanup, won) = state.withLock { s -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?, Bool) in
            if s.done { return (nil, nil, false) }
            s.done = true
            let c = s.continuation
            s.continuation = nil
            if c == nil { s.pending = result }
            let cl = s.cleanup
            s.cleanup = nil
            return (c, cl, true)
        }
        c?.resume(with: result)
        cleanup?()
        return won
    }
}
