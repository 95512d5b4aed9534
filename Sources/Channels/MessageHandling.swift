import Foundation

// The one seam between the HTTP gateway and Faro's core. Adapters turn provider wire formats into
// `InboundMessage` and `OutboundReply` back into wire formats; `MessageHandling` is everything else.

public enum ChannelKind: String, Sendable, Codable { case sms, ussd }

public struct InboundMessage: Sendable, Equatable {
    public var from: String
    public var to: String?
    public var text: String
    public var channel: ChannelKind
    public var session: String?
    /// "kannel" | "twilio" | "africastalking" | "json"
    public var provider: String
    public var receivedAt: Date

    public init(
        from: String, to: String? = nil, text: String, channel: ChannelKind = .sms,
        session: String? = nil, provider: String, receivedAt: Date = Date()
    ) {
        self.from = from
        self.to = to
        self.text = text
        self.channel = channel
        self.session = session
        self.provider = provider
        self.receivedAt = receivedAt
    }
}

public struct OutboundReply: Sendable, Equatable {
    public var text: String
    /// "GSM-7" | "UCS-2"
    public var encoding: String
    public var segments: Int
    /// USSD: END vs CON
    public var endsSession: Bool
    /// For /v1/messages: lang, intent, topic, place, route (filled by the core).
    public var result: [String: String?]?

    public init(text: String, encoding: String, segments: Int, endsSession: Bool = true, result: [String: String?]? = nil) {
        self.text = text
        self.encoding = encoding
        self.segments = segments
        self.endsSession = endsSession
        self.result = result
    }
}

/// Thrown by a handler that could not answer by the deadline it was given: the gateway sends its fallback.
public struct DeadlinePassed: Error, Sendable {
    public init() {}
}

/// The gateway gives each call a deadline (its request timeout) and does not cut a handler off: a handler returns
/// or throws `DeadlinePassed` by then, wherever it waits (Faro's waits only for its log commit). A watchdog task
/// per request cost ~4 µs more CPU per SMS than handing the deadline on (measured with wrk).
public protocol MessageHandling: Sendable {
    /// An SMS (or JSON API message): understand, decide, log, and return the reply. Throws only for internal failures.
    func handle(_ message: InboundMessage, deadline: ContinuousClock.Instant) async throws -> OutboundReply
    /// A USSD request: `path` is the inputs so far (Africa's Talking `text` split on "*", empty on the first request).
    /// The screen must be derived from the path alone so a repeated request gives the same screen.
    func ussd(session: String, from: String, path: [String], deadline: ContinuousClock.Instant) async throws -> OutboundReply
    /// The notice sent once to a number that floods (in the number's language if known).
    func floodNotice(for from: String) async -> String
    /// A stable pseudonym for logs (never the raw number).
    func pseudonym(_ from: String) -> String
}
