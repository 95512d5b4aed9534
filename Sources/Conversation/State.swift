import Gateway

/// What Faro remembers about one phone number between messages. Stored by the shell as opaque bytes.
public struct SubscriberState: Sendable, Equatable, Codable {
    public var language: String?
    /// The numbered menu the person last saw; numbers they send pick from it.
    public var menu: String?
    /// The last content reply, for MAS and for follow-ups ("peligros" then "nogales").
    public var last: Shown?
    /// Seconds since 1970 of the last message.
    public var lastAt: Double?
    public var optedOut: Bool
    public var routes: [String]

    public init(language: String? = nil, menu: String? = nil, last: Shown? = nil, lastAt: Double? = nil,
                optedOut: Bool = false, routes: [String] = []) {
        self.language = language; self.menu = menu; self.last = last; self.lastAt = lastAt
        self.optedOut = optedOut; self.routes = routes
    }

    public struct Shown: Sendable, Equatable, Codable {
        public var key: String
        public var page: Int
        public var intent: Intent
        public var topic: String?
        public var place: String?
        public var route: String?

        public init(key: String, page: Int, intent: Intent, topic: String?, place: String?, route: String?) {
            self.key = key; self.page = page; self.intent = intent; self.topic = topic; self.place = place; self.route = route
        }
    }
}

/// What the shell must do after a decision. The conversation never does I/O itself.
public enum Effect: Sendable, Equatable {
    /// An emergency: staff follow up (no text, no number — the shell adds the pseudonym).
    case escalate(place: String?, language: String)
    case subscribe(route: String)
    case unsubscribeAll
}

/// A rendered reply ready for a phone.
public struct Reply: Sendable, Equatable {
    public var text: String
    public var encoding: String
    public var segments: Int
}

public struct Decision: Sendable {
    /// The command as resolved in context (a menu number becomes the intent it selects).
    public var command: Command
    public var language: String
    public var reply: Reply
    public var state: SubscriberState
    public var effects: [Effect]
}
