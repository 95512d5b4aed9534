import Foundation

/// One inbound message and the reply it got, as the pipeline hands it to the store.
///
/// `from` is the raw phone number: the store turns it into a pseudonym before anything is written, so a raw number
/// cannot reach the exchanges table by mistake.
public struct Exchange: Sendable, Equatable {
    public var at: Date
    /// Raw phone number (or sender id); pseudonymized by the store, never stored.
    public var from: String
    /// `sms` or `ussd`.
    public var channel: String
    /// USSD session id.
    public var session: String?
    /// Inbound text. Stored, and cleared by text retention (`purge(olderThan:textsOlderThan:)`).
    public var text: String?
    public var language: String
    public var intent: String
    public var topic: String?
    public var place: String?
    public var route: String?
    public var reply: String
    /// `GSM-7` or `UCS-2`.
    public var encoding: String
    public var segments: Int
    /// Hash of the content version that rendered the reply.
    public var contentVersion: String
    public var latencyMicros: Int
    /// The simulator run that produced it; `nil` for live traffic.
    public var runID: Int64?

    public init(
        at: Date, from: String, channel: String, session: String? = nil, text: String?,
        language: String, intent: String, topic: String? = nil, place: String? = nil, route: String? = nil,
        reply: String, encoding: String, segments: Int, contentVersion: String, latencyMicros: Int,
        runID: Int64? = nil
    ) {
        self.at = at
        self.from = from
        self.channel = channel
        self.session = session
        self.text = text
        self.language = language
        self.intent = intent
        self.topic = topic
        self.place = place
        self.route = route
        self.reply = reply
        self.encoding = encoding
        self.segments = segments
        self.contentVersion = contentVersion
        self.latencyMicros = latencyMicros
        self.runID = runID
    }
}

/// An exchange as stored: the sender is a pseudonym.
public struct LoggedExchange: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var sender: String
    public var channel: String
    public var session: String?
    public var text: String?
    public var language: String
    public var intent: String
    public var topic: String?
    public var place: String?
    public var route: String?
    public var reply: String
    public var encoding: String
    public var segments: Int
    public var contentVersion: String
    public var latencyMicros: Int
    public var runID: Int64?

    public init(
        id: Int64, at: Date, sender: String, channel: String, session: String?, text: String?, language: String,
        intent: String, topic: String?, place: String?, route: String?, reply: String, encoding: String,
        segments: Int, contentVersion: String, latencyMicros: Int, runID: Int64?
    ) {
        self.id = id
        self.at = at
        self.sender = sender
        self.channel = channel
        self.session = session
        self.text = text
        self.language = language
        self.intent = intent
        self.topic = topic
        self.place = place
        self.route = route
        self.reply = reply
        self.encoding = encoding
        self.segments = segments
        self.contentVersion = contentVersion
        self.latencyMicros = latencyMicros
        self.runID = runID
    }
}

/// What the store remembers about one person.
///
/// Saving a record saves all of it: `routes` becomes exactly the set of route subscriptions, and an opted-out
/// record has none (its phone numbers are deleted).
/// A case to open for staff (an emergency): no text, no number — the exchange's pseudonym is kept.
public struct EscalationRecord: Sendable, Equatable {
    public var intent: String
    public var place: String?
    public var language: String

    public init(intent: String, place: String?, language: String) {
        self.intent = intent
        self.place = place
        self.language = language
    }
}

public struct SubscriberRecord: Sendable, Equatable {
    /// Remembered reply language, if any.
    public var language: String?
    /// Conversation state, opaque to the store.
    public var state: Data
    public var optedOut: Bool
    /// Routes whose alerts the person asked for, sorted.
    public var routes: [String]

    public init(language: String?, state: Data, optedOut: Bool, routes: [String]) {
        self.language = language
        self.state = state
        self.optedOut = optedOut
        self.routes = routes
    }
}

public struct Escalation: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var pseudonym: String
    public var intent: String
    public var place: String?
    public var language: String
    public var closed: Bool

    public init(
        id: Int64, at: Date, pseudonym: String, intent: String, place: String?, language: String, closed: Bool
    ) {
        self.id = id
        self.at = at
        self.pseudonym = pseudonym
        self.intent = intent
        self.place = place
        self.language = language
        self.closed = closed
    }
}

public struct StoreCounts: Sendable, Equatable {
    public var exchanges: Int
    /// Exchanges still holding their inbound text.
    public var exchangesWithText: Int
    public var subscribers: Int
    public var optedOut: Int
    public var routeSubscriptions: Int
    public var contentVersions: Int
    public var runs: Int
    public var openEscalations: Int
    public var escalations: Int

    public init(
        exchanges: Int, exchangesWithText: Int, subscribers: Int, optedOut: Int, routeSubscriptions: Int,
        contentVersions: Int, runs: Int, openEscalations: Int, escalations: Int
    ) {
        self.exchanges = exchanges
        self.exchangesWithText = exchangesWithText
        self.subscribers = subscribers
        self.optedOut = optedOut
        self.routeSubscriptions = routeSubscriptions
        self.contentVersions = contentVersions
        self.runs = runs
        self.openEscalations = openEscalations
        self.escalations = escalations
    }
}

public struct PurgeResult: Sendable, Equatable {
    /// Exchanges deleted.
    public var exchanges: Int
    /// Inbound texts cleared from exchanges that were kept.
    public var texts: Int

    public init(exchanges: Int, texts: Int) {
        self.exchanges = exchanges
        self.texts = texts
    }
}

public struct GroupCommitStatistics: Sendable, Equatable {
    /// Transactions committed by the group-commit thread.
    public var batches: Int
    /// Rows they committed.
    public var rows: Int

    public var averageBatchSize: Double { batches == 0 ? 0 : Double(rows) / Double(batches) }

    public init(batches: Int, rows: Int) {
        self.batches = batches
        self.rows = rows
    }
}

/// An alert ready to send: the number is read from the route subscription at send time.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    public var route: String
    public var phone: String
    public var text: String
    public var attempts: Int
}
