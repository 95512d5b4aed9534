/// Where a piece of content came from, so problems can name file and line.
public struct Origin: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) { self.file = file; self.line = line }
    public var description: String { "\(file):\(line)" }
}

/// Review metadata every entry carries.
public struct Meta: Sendable, Hashable {
    public var reviewed: String?
    public var source: String?
    public var origin: Origin
}

/// Texts of one entry, by language code; each text is a list of pages (split on `---`).
public typealias Pages = [String: [String]]

public struct ReplyEntry: Sendable {
    public var id: String
    public var pages: Pages
    public var meta: Meta
}

public struct Place: Sendable {
    public var slug: String
    public var name: String
    public var state: String?
    public var route: String?
    public var aliases: [String]
    public var dangers: Pages
    public var meta: Meta
}

public struct Route: Sendable {
    public var slug: String
    public var names: [String: String]
    public var aliases: [String]
    public var places: [String]
    public var text: Pages
    public var meta: Meta
}

public struct HelpPoint: Sendable {
    public var id: String
    public var kind: String
    public var name: String
    public var place: String?
    public var phone: String?
    public var address: String?
    public var verified: Bool
    public var meta: Meta
}

/// One word or phrase people type, as a staff member wrote it.
public struct Keyword: Sendable, Hashable {
    public var text: String
    public var origin: Origin
}

public struct LanguagePack: Sendable {
    public var code: String
    public var name: String
    /// Ways people write this language's name, in any language.
    public var names: [Keyword]
    public var detect: [String]
    public var sms: [String: String]
    /// Spellings that sound alike, in order ("ll" is written "y" by ear): `Sounds` folds unknown words with them.
    public var sounds: [(written: String, heard: String)] = []
    /// Number words from one up ("uno, dos…"): "opcion cuatro" picks 4 from a menu.
    public var numbers: [String] = []
    /// Words of the writer's own case ("me, mi, nos…"): officials named beside a place without them ask how things
    /// are there.
    public var personal: [String] = []
    /// Keyword id (intent or `intent.topic`) to keywords.
    public var keywords: [String: [Keyword]]
    public var labels: [String: String]
    public var ui: [String: String]
    public var origin: Origin
}

/// Everything Faro says and understands, loaded from `messages/`.
public struct Catalog: Sendable {
    public var version: String
    public var languages: [String: LanguagePack]
    public var defaultLanguage: String
    public var replies: [String: ReplyEntry]
    public var places: [String: Place]
    public var routes: [String: Route]
    public var help: [HelpPoint]
    public var menus: [String: [String]]
    public var menuOrigins: [String: Origin]

    /// Language codes in a stable order: the default first, then alphabetical.
    public var languageCodes: [String] {
        [defaultLanguage] + languages.keys.filter { $0 != defaultLanguage }.sorted()
    }

    public func help(at place: String, kinds: Set<String>) -> [HelpPoint] {
        help.filter { $0.place == place && kinds.contains($0.kind) }
    }
}
