/// What a person asked for. The names are the contract other tools read (DESIGN.md).
public enum Intent: String, Sendable, Codable, CaseIterable {
    case menu, rights, dangers, route, shelter, beta, medical, legal, emergency, language, subscribe, stop, start,
         thanks, unknown

    /// Intents that ask for something (not a greeting or thanks).
    static let requests: Set<Intent> = Set(allCases).subtracting([.menu, .thanks, .unknown])
}

/// The understanding of one inbound text. Every text becomes a `Command`, unknown text included.
public struct Command: Sendable, Equatable, Codable {
    public var intent: Intent
    /// Rights topic (`asylum`, `health`, …) or, for `language`, the language asked for.
    public var topic: String?
    public var place: String?
    public var route: String?
    /// Language the message is written in, when the words tell; nil when they don't (digits, SOS, a place name).
    public var language: String?
    /// A bare number: a menu choice, resolved by the conversation (0 is "back").
    public var choice: Int?
    /// MAS / PLUS / MORE: the next page of the previous reply.
    public var more: Bool
    /// Closest keyword id for unknown text ("did you mean"), e.g. `dangers`.
    public var suggestion: String?
    /// The intent was implied by a bare place or route name; a follow-up to the previous question may override it.
    public var implied: Bool
    /// A question whether a job offer can be trusted: a question about dangers, answered with the job-offer warning.
    public var jobOffer = false
    /// Opens with a word that continues the last question ("y albergues?", "et pour manger ?", "what about a
    /// doctor"): with no place of its own, it keeps the last question's.
    public var continues = false
    /// Opens with words that ask for one more of the same ("one for women with kids?", "otro cerca del centro?"):
    /// with no request of its own, it asks the last question again.
    public var another = false

    public init(intent: Intent, topic: String? = nil, place: String? = nil, route: String? = nil,
                language: String? = nil, choice: Int? = nil, more: Bool = false, suggestion: String? = nil, implied: Bool = false) {
        self.intent = intent; self.topic = topic; self.place = place; self.route = route
        self.language = language; self.choice = choice; self.more = more; self.suggestion = suggestion; self.implied = implied
    }
}
