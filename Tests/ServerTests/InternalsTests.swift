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
}
