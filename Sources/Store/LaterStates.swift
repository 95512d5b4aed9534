// Conversation states committed inside their exchange rows and not yet written to the subscribers table (see
// Writer.swift). They are written in rounds: every `interval`, the states waiting so far become a round, written a
// chunk per commit in key order (neighbouring keys share pages; a chunk keeps each commit short), and once the
// whole round is written the replay mark moves to the last exchange the round covers.

struct LaterStates {
    /// The latest state per pseudonym since the last round began.
    private var waiting: [String: SubscriberWrite] = [:]
    private var waitingSince: ContinuousClock.Instant?
    /// The round being written.
    private var round: [String: SubscriberWrite] = [:]
    private var roundOrder: [String] = []
    private var written = 0
    /// Every exchange up to this id had its state in the round or before it.
    private var roundMark: Int64 = 0

    var isEmpty: Bool { waiting.isEmpty && !roundOpen }
    var roundOpen: Bool { written < roundOrder.count }

    /// The newest state of `pseudonym` not yet in the subscribers table.
    func state(of pseudonym: String) -> SubscriberWrite? { waiting[pseudonym] ?? round[pseudonym] }

    /// A subscriber row was just written at once: any waiting state of it is older.
    mutating func forget(_ pseudonym: String) {
        waiting.removeValue(forKey: pseudonym)
        round.removeValue(forKey: pseudonym)
    }

    /// A row committed: its state waits, or was written at once.
    mutating func committed(_ write: PendingWrite, at now: ContinuousClock.Instant) {
        guard let subscriber = write.subscriber else { return }
        guard write.defersState else { return forget(subscriber.pseudonym) }
        waiting[subscriber.pseudonym] = subscriber
        if waitingSince == nil { waitingSince = now }
    }

    /// When some states must be written: at once while a round is open, `interval` after the oldest waiting state
    /// otherwise, never when nothing waits.
    func due(after interval: Duration) -> ContinuousClock.Instant? {
        roundOpen ? .now : waitingSince.map { $0.advanced(by: interval) }
    }

    /// Makes the waiting states a round, unless one is open. `mark`: the last exchange id committed so far.
    mutating func startRound(mark: Int64) {
        guard !roundOpen, !waiting.isEmpty else { return }
        round = waiting
        roundOrder = waiting.keys.sorted()
        written = 0
        roundMark = mark
        waiting = [:]
        waitingSince = nil
    }

    /// The next `limit` states of the round, and the mark to record if they complete it.
    func nextChunk(limit: Int) -> (states: [(pseudonym: String, write: SubscriberWrite)], end: Int, mark: Int64?) {
        let end = min(roundOrder.count, written + limit)
        let states = roundOrder[written..<end].compactMap { key in round[key].map { (key, $0) } }
        return (states, end, end == roundOrder.count && written < end ? roundMark : nil)
    }

    /// The chunk ending at `end` committed.
    mutating func chunkCommitted(end: Int) {
        for key in roundOrder[written..<end] { round.removeValue(forKey: key) }
        written = end
        if !roundOpen {
            round = [:]
            roundOrder = []
            written = 0
        }
    }
}
