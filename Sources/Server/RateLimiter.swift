import Synchronization

/// Per-sender token buckets (see `RateLimit`). Keys stay in memory only and are never logged.
final class RateLimiter: Sendable {
    enum Decision: Equatable {
        case allow
        /// First message over the limit: answer once with the flood notice.
        case notify
        /// Further messages over the limit: send nothing.
        case drop
    }

    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
        var notified: Bool
    }

    let limit: RateLimit
    let perSecond: Double
    let maxTracked: Int
    let state: Mutex<[String: Bucket]>

    init(limit: RateLimit, maxTracked: Int = 100_000) {
        self.limit = limit
        let seconds = Double(limit.interval.components.seconds) + Double(limit.interval.components.attoseconds) / 1e18
        self.perSecond = seconds > 0 ? 1 / seconds : .infinity
        self.maxTracked = maxTracked
        self.state = Mutex([:])
    }

    func decide(_ key: String, now: ContinuousClock.Instant = .now) -> Decision {
        state.withLock { buckets in
            var b = buckets[key] ?? Bucket(tokens: Double(limit.burst), updated: now, notified: false)
            let elapsed = now - b.updated
            let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            b.tokens = min(Double(limit.burst), b.tokens + max(0, secs) * perSecond)
            b.updated = now
            let decision: Decision
            if b.tokens >= 1 {
                b.tokens -= 1
                b.notified = false
                decision = .allow
            } else if !b.notified {
                b.notified = true
                decision = .notify
            } else {
                decision = .drop
            }
            buckets[key] = b
            if buckets.count > maxTracked { prune(&buckets, now: now) }
            return decision
        }
    }

    /// Forget senders whose bucket has refilled (they would be allowed anyway).
    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        let full = limit.interval * limit.burst
        buckets = buckets.filter { now - $0.value.updated < full }
        if buckets.count > maxTracked {
            // Still too many (a spread flood): keep the most recent half.
            let keep = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(maxTracked / 2)
            buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }

    var trackedCount: Int { state.withLock { $0.count } }
}
