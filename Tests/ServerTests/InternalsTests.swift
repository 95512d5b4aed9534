import Foundation
@testable import Server
import Testing

@Suite("Gateway internals")
struct InternalsTests {
    @Test("rate limiter: burst, then one notice, then drops; refills with time")
    func rateLimiter() {
        let limiter = RateLimiter(limit: RateLimit(burst: 2, interval: .seconds(10)))
        let t0 = ContinuousClock.now
        #expect(limiter.decide("a", now: t0) == .allow)
        #expect(limiter.decide("a", now: t0) == .allow)
        #expect(limiter.decide("a", now: t0) == .notify)
        #expect(limiter.decide("a", now: t0 + .seconds(1)) == .drop)
        #expect(limiter.decide("b", now: t0 + .seconds(1)) == .allow)
        // One token back after 10 s; the next flood is noticed again.
        #expect(limiter.decide("a", now: t0 + .seconds(11)) == .allow)
        #expect(limiter.decide("a", now: t0 + .seconds(11)) == .notify)
    }

    @Test("rate limiter forgets idle senders when it tracks too many")
    func rateLimiterPrunes() {
        let limiter = RateLimiter(limit: RateLimit(burst: 1, interval: .seconds(1)), maxTracked: 100)
        let t0 = ContinuousClock.now
        for i in 0..<100 { _ = limiter.decide("n\(i)", now: t0) }
        _ = limiter.decide("late", now: t0 + .seconds(5))
        #expect(limiter.trackedCount == 1)
    }

    @Test("timeout: a result in time, an error in time, and a deaf operation cut at the deadline")
    func timeout() async throws {
        let deadlines = Deadlines()
        // Generous limits where the result must win: the other suites' CPU-bound tests can hold Swift's
        // cooperative threads for seconds.
        #expect(try await withTimeout(.seconds(60), deadlines: deadlines) { 42 } == 42)
        await #expect(throws: CancellationError.self) {
            try await withTimeout(.seconds(60), deadlines: deadlines) { () async throws -> Int in throw CancellationError() }
        }
        let start = ContinuousClock.now
        await #expect(throws: TimeoutError.self) {
            try await withTimeout(.milliseconds(100), deadlines: deadlines) { () async -> Int in
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 120) { c.resume() }
                }
                return 1
            }
        }
        // Long before the 120 s the operation takes, with room for a loaded machine: this task must be scheduled
        // again to see the error, and the other suites' CPU-bound tests held it 12 s once (with a 10 s operation).
        #expect(ContinuousClock.now - start < .seconds(60))
        // Finished requests leave nothing behind, and the sweeper stops when idle.
        for _ in 0..<1000 { _ = try await withTimeout(.seconds(60), deadlines: deadlines) { 1 } }
        #expect(deadlines.pendingCount == 0)
    }
}
