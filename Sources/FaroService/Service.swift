import Channels
import Content
import Conversation
import Foundation
import Gateway
import Logging
import Store
import Synchronization

/// The shell around the pure core: loads a number's state, decides, performs the effects, and logs the exchange
/// and the new state in one commit before the reply is handed back (a crash loses nothing that was answered).
/// Used by `faro ask`, `faro chat` and `faro serve`.
public final class FaroService: Sendable {
    public let store: Store
    private let current: Mutex<Engine>
    /// Recent numbers' state, so a message needs no database read; the database stays the truth after a restart.
    /// Kept in memory only and never logged.
    private let recent = Mutex<[String: SubscriberState]>([:])
    static let recentLimit = 100_000
    let logger: Logger

    public init(engine: Engine, store: Store, logger: Logger = Logger(label: "faro")) {
        self.store = store
        current = Mutex(engine)
        self.logger = logger
        try? store.contentLoaded(hash: engine.catalog.version, at: Date())
    }

    public var engine: Engine { current.withLock { $0 } }

    /// Swaps in new content (the caller built it from a folder that checked clean).
    public func replace(engine: Engine) {
        current.withLock { $0 = engine }
        try? store.contentLoaded(hash: engine.catalog.version, at: Date())
        logger.info("content loaded", metadata: ["version": "\(engine.catalog.version)"])
    }

    public struct Outcome: Sendable {
        public var decision: Decision
        public var latencyMicros: Int
    }

    /// One inbound message from a phone. With a `deadline`, throws `StoreError.deadlinePassed` if the exchange
    /// is not committed by then (it stays queued, committed if the database frees within the busy timeout).
    public func handle(from: String, text: String, channel: String = "sms", session: String? = nil,
                       at: Date = Date(), deadline: ContinuousClock.Instant? = nil) async throws -> Outcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let engine = self.engine
        let state = try recent.withLock({ $0[from] }) ?? store.subscriber(from).map { StateCoding.decode($0.state) } ?? SubscriberState()
        let decision = engine.handle(text: text, state: state, now: at.timeIntervalSince1970)
        let latency = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000)
        let exchange = Exchange(decision, from: from, text: text, channel: channel, session: session, at: at,
                                contentVersion: engine.catalog.version, latencyMicros: latency)
        // The effects go in the exchange's own commit, never as a write of their own on this thread (a blocked
        // thread here is one of the few that answer everyone): subscriptions follow the new state's routes, an
        // emergency opens an escalation.
        let routesChanged = decision.state.routes != state.routes || decision.state.optedOut != state.optedOut
        let escalation = decision.effects.lazy.compactMap { effect -> EscalationRecord? in
            guard case .escalate(let place, let language) = effect else { return nil }
            return EscalationRecord(intent: "emergency", place: place, language: language)
        }.first
        try await store.record(exchange, saving: SubscriberRecord(decision.state), routesChanged: routesChanged,
                               escalation: escalation, deadline: deadline)
        if let escalation {
            logger.warning("emergency escalated", metadata: ["place": "\(escalation.place ?? "-")", "language": "\(escalation.language)"])
        }
        recent.withLock { cache in
            if cache.count >= Self.recentLimit { cache.removeAll(keepingCapacity: true) }
            cache[from] = decision.state
        }
        return Outcome(decision: decision, latencyMicros: latency)
    }
}

extension Exchange {
    /// The log row of a decision. The raw number goes to the store, which keeps only its keyed pseudonym.
    public init(_ d: Decision, from: String, text: String, channel: String, session: String?, at: Date,
                contentVersion: String, latencyMicros: Int, runID: Int64? = nil) {
        self.init(at: at, from: from, channel: channel, session: session, text: text, language: d.language,
                  intent: d.command.intent.rawValue, topic: d.command.topic, place: d.command.place,
                  route: d.command.route, reply: d.reply.text, encoding: d.reply.encoding, segments: d.reply.segments,
                  contentVersion: contentVersion, latencyMicros: latencyMicros, runID: runID)
    }
}

extension SubscriberRecord {
    public init(_ state: SubscriberState) {
        self.init(language: state.language, state: StateCoding.encode(state), optedOut: state.optedOut, routes: state.routes)
    }
}

/// Subscriber state as stored: JSON, so a newer Faro can read what an older one wrote (unknown keys are ignored,
/// missing ones take defaults) and a corrupt row means a fresh start, not a crash. Written by hand (it is written
/// on every message; JSONEncoder cost more than the whole decision), read with JSONDecoder.
public enum StateCoding {
    public static func encode(_ state: SubscriberState) -> Data {
        var out = "{\"optedOut\":\(state.optedOut),\"routes\":[" + state.routes.map { JSON.quote($0) }.joined(separator: ",") + "]"
        if let language = state.language { out += ",\"language\":" + JSON.quote(language) }
        if let menu = state.menu { out += ",\"menu\":" + JSON.quote(menu) }
        if let lastAt = state.lastAt { out += ",\"lastAt\":\(lastAt)" }
        if let last = state.last {
            out += ",\"last\":{\"key\":\(JSON.quote(last.key)),\"page\":\(last.page),\"intent\":\(JSON.quote(last.intent.rawValue))"
            for (name, value) in [("topic", last.topic), ("place", last.place), ("route", last.route)] {
                if let value { out += ",\"\(name)\":" + JSON.quote(value) }
            }
            out += "}"
        }
        return Data((out + "}").utf8)
    }
    public static func decode(_ data: Data) -> SubscriberState {
        (try? JSONDecoder().decode(SubscriberState.self, from: data)) ?? SubscriberState()
    }
}
