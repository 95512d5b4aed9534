import Foundation
import Content

/// What a keyword, place or route name points to.
public enum Target: Hashable, Sendable {
    case intent(Intent, topic: String?)
    case more, back
    /// Words that show a message is not for Faro ("te quiero", "happy birthday", "el partido"): with them, only a
    /// clear request still counts.
    case offTopic
    /// Money words ("me cobraron", "is it free"): beside a doctor or hospital they ask about the right to care.
    case cost
    /// How long ("cuanto tarda", "combien de temps ca prend"): alone, a question about the last answer; with a place,
    /// the way there.
    case duration
    /// Police, soldiers, officials: a complaint about them, unless the message says what they did (an arrest:
    /// detention).
    case authority
    /// Asking whether something can be trusted ("es real o es fraude?", "c'est vrai ?", "is it legit"): an offer or
    /// a rumour is a question about dangers (a job offer is answered with the job-offer warning).
    case doubt
    /// Deported, told as what happened ("me deportaron ayer", "soy deportado"): detention rights when nothing else
    /// is asked; beside a request (a shelter, a doctor, papers) it is background.
    case deported
    /// "dicen que", "on dit que", "I heard": told by others. With a doubt ("es cierto?") the whole message asks
    /// whether a danger is real — even a kidnapping named is then a question, not a call for rescue.
    case rumour
    /// Words before where someone comes from ("venimos de", "desde", "from"): of two places, the other one is asked
    /// about.
    case origin
    /// Words before where someone is now ("ya estoy en", "je suis a", "I am in"): for the way and its dangers, like
    /// an origin, the other place is asked about; for anything else, this one ("tengo cita en la comar de
    /// tapachula pero ya estoy en monterrey, puedo seguir el tramite aqui?": Monterrey).
    case here
    /// Words before a destination ("para", "vers", "to"): of two places, the one after them is asked about.
    case toward
    /// "entre", "between": of the two places that follow ("entre torreon y chihuahua"), the second is where the
    /// way goes.
    case between
    /// Words that open a request ("donde hay", "is there", "je cherche"): a place to go named right after them is
    /// what is asked for.
    case ask
    /// Names of places Faro has no content for that contain a listed place's name ("san luis rio colorado" is not
    /// San Luis Potosí): matched whole, so the listed place is not read inside them; they mean nothing else.
    case elsewhere
    /// Phrases that hold a keyword but do not mean it ("my phone is almost dead", "no es urgente", "me muero de
    /// hambre"): matched whole, so the keyword is not read inside them; they mean nothing else.
    case idiom
    /// Words that say a number is a menu choice ("opcion 4", "le 3", "option 1 please").
    case choice
    /// Words that continue the last question when they open a message ("y", "et", "what about").
    case also
    /// Words that ask for one more of what was just asked when they open a message ("one for women", "otro
    /// cerca", "une autre"): the last question again, with this message's place or else the last one's.
    case another
    /// Long ago ("el año pasado", "il y a des mois", "years ago"): an emergency told beside them is history, so a
    /// request beside it is what is asked ("el año pasado me secuestraron ... puedo pedir asilo?").
    case ago
    /// Words for the place just talked about ("there", "ahi", "la-bas"): the last question's place.
    case there
    case place(String), route(String), languageName(String)

    /// Never guessed from a typo: little words ("para", "entre", "donde hay", a choice's "option") and words that
    /// change what the whole message means ("ya estoy a salvo" is not "saldo", off-topic; "dsierto" is not
    /// "cierto", a doubt).
    static let notGuessed: Set<Target> = [.toward, .between, .ask, .choice, .elsewhere, .here, .idiom, .also, .another, .there, .ago,
                                          .offTopic, .doubt]
    /// Cues whose words say nothing about the message's language ("a", "de", "donde", a place's name).
    static let nonVoting: Set<Target> = [.toward, .origin, .ask, .elsewhere, .also, .another, .there]

    /// The keyword ids of the cues above, as staff write them.
    static let cues: [String: Target] = [
        "more": .more, "back": .back, "offtopic": .offTopic, "cost": .cost, "duration": .duration, "authority": .authority, "choice": .choice,
        "doubt": .doubt, "toward": .toward, "origin": .origin, "deported": .deported, "rumour": .rumour,
        "between": .between, "ask": .ask, "elsewhere": .elsewhere, "here": .here,
        "idiom": .idiom, "also": .also, "another": .another, "there": .there, "ago": .ago,
    ]

    /// Parses a keyword id of the content (`rights.asylum`, `more`, …).
    init?(keywordID id: String) {
        if let cue = Self.cues[id] { self = cue; return }
        // A name one language gives a place ("Mexico" is the capital in French): `place.<slug>`.
        if id.hasPrefix("place.") { self = .place(String(id.dropFirst(6))); return }
        let parts = id.split(separator: ".", maxSplits: 1).map(String.init)
        guard let intent = Intent(rawValue: parts[0]), intent != .unknown else { return nil }
        let topic = parts.count > 1 ? parts[1] : nil
        // Rights take the design's topics; other intents a strength (see `Gateway.weigh`; `held` is emergency's,
        // `hurt` medical's).
        if let topic, !(intent == .rights ? Self.rightsTopics : Self.strengths).contains(topic),
           !(intent == .emergency && topic == "held"), !(intent == .medical && topic == "hurt") { return nil }
        self = .intent(intent, topic: topic)
    }

    static let rightsTopics: Set<String> = ["asylum", "health", "detention", "children", "work", "complaint"]
    static let strengths: Set<String> = ["weak", "strong", "past"]
}

/// Plain values only, so copying one costs no reference counting.
struct WordInfo: Sendable {
    /// False only for `unknown`: a word no keyword, name, SMS spelling or language word uses.
    var known = true
    var votes: UInt64 = 0
    var filler = false
    var inPhrase = false
    /// A word of the writer's own case ("me", "mi", "nous", "my").
    var personal = false
    /// Index in `Lexicon.expansions`, or -1 when no language spells this word as SMS shorthand.
    var sms: Int32 = -1
    static let unknown = WordInfo(known: false)
}

/// One normalized phrase and what it means; `language` is nil for names that belong to no language (places).
struct LexEntry: Sendable {
    var target: Target
    var language: Int?
}

/// Everything the gateway needs, compiled once from the catalog: one PCRE2 pattern over all phrases (each
/// alternative tagged with `(*MARK:n)`), a typo index, and per-word language evidence.
struct Lexicon: Sendable {
    var languages: [String]
    var phrases: [String] = []
    var meanings: [[LexEntry]] = []
    /// The literal phrases, as tries anchored at a word (`\G`), split by first byte when one is too big for PCRE2.
    var patterns: [PCRE2Pattern] = []
    /// Index in `patterns` of the trie for each first byte of a word (-1: no phrase starts with it).
    var patternForByte = [Int](repeating: -1, count: 256)
    /// Phrases with a `*` inside, tried at every word.
    var loose: PCRE2Pattern?
    var expressions: PCRE2Pattern?
    var fuzzy = FuzzyIndex()
    var fuzzyMeanings: [Int] = []               // fuzzy word id → phrase index
    var wordLanguages: [String: UInt64] = [:]    // word → bit set of languages that use it
    var fillers: Set<String> = []
    /// Number words of every language, with their value ("cuatro", "deux", "seven").
    var numbers: [String: Int] = [:]
    /// Words of the writer's own case in every language.
    var personal: Set<String> = []
    /// Words of multi-word names ("piedras", "negras"): only pairs with one of them are checked for typos.
    var phraseWords: Set<String> = []
    var sms: [[String: String]] = []
    var mergedSMS: [String: String] = [:]
    var labels: [String: [String: String]] = [:] // language → keyword id → label
    /// Everything known about a word, in one lookup (the hot path looks each word up once).
    var info: [String: WordInfo] = [:]
    /// SMS expansions of a word per language index (nil where that language has none), then any language's.
    var expansions: [(byLanguage: [String?], any: String)] = []
    /// Per phrase: does a match vote for the phrase's language (multi-word, not an expression)?
    var phraseVotes: [Bool] = []
    /// Per language: how its words sound (nil when its file gives no `sounds`), and each keyword word by its sound
    /// ("" when two words sound alike: neither is guessed).
    var sounds: [Sounds?] = []
    var soundsLike: [[String: String]] = []
    /// Each one-word keyword by its consonants ("lbrg" for "albergue"; "" when words that mean different things
    /// share them): for words written without their vowels.
    var consonants: [String: String] = [:]

    static func build(_ catalog: Catalog) -> (Lexicon, [ContentIssue]) {
        var builder = LexiconBuilder(catalog: catalog)
        return builder.build()
    }
}

private struct LexiconBuilder {
    let catalog: Catalog
    var lexicon: Lexicon
    var issues: [ContentIssue] = []
    var index: [String: Int] = [:]           // phrase → phrase index
    var firstOrigin: [String: (Target, Int?, Origin)] = [:]

    init(catalog: Catalog) {
        self.catalog = catalog
        lexicon = Lexicon(languages: catalog.languageCodes)
    }

    mutating func build() -> (Lexicon, [ContentIssue]) {
        // Language names first: a name ("kreyol") is more specific than a keyword that asks for languages in
        // general, so adding a language never needs an edit to the others' files.
        for code in lexicon.languages {
            for name in catalog.languages[code]?.names ?? [] { add(name.text, .languageName(code), language: nil, origin: name.origin) }
        }
        // SMS spellings before keywords: a keyword is read the way a message is ("combien d heures" is matched as
        // "combien de heures", since a message's "d" always reaches the matcher as "de").
        for code in lexicon.languages {
            var sms: [String: String] = [:]
            if let pack = catalog.languages[code] {
                for (short, long) in pack.sms {
                    let key = Normalizer.normalize(short), value = Normalizer.normalize(long)
                    guard !key.isEmpty, !key.contains(" ") else {
                        issues.append(ContentIssue(.warning, pack.origin, "SMS spelling '\(short)' must be one word")); continue
                    }
                    sms[key] = value
                    if lexicon.mergedSMS[key] == nil { lexicon.mergedSMS[key] = value }
                    for word in value.split(separator: " ") { lexicon.fillers.insert(String(word)) }
                }
            }
            lexicon.sms.append(sms)
        }
        for (li, map) in lexicon.sms.enumerated() { for key in map.keys { vote(key, li) } }
        for (li, code) in lexicon.languages.enumerated() {
            guard let pack = catalog.languages[code] else { continue }
            for (id, keywords) in pack.keywords.sorted(by: { $0.key < $1.key }) {
                guard let target = Target(keywordID: id) else {
                    issues.append(ContentIssue(.error, keywords.first?.origin ?? pack.origin, "unknown keyword id '\(id)'"))
                    continue
                }
                if case .place(let slug) = target, catalog.places[slug] == nil {
                    issues.append(ContentIssue(.error, keywords.first?.origin ?? pack.origin, "unknown place '\(slug)' in keyword id '\(id)'"))
                    continue
                }
                // Names of places Faro has no content for belong to no language, like the listed places' names.
                let language = target == .elsewhere ? nil : li
                for keyword in keywords { add(keyword.text, target, language: language, origin: keyword.origin) }
            }
            for word in pack.detect { vote(Normalizer.normalize(word), li); lexicon.fillers.insert(Normalizer.normalize(word)) }
            for (i, word) in pack.numbers.enumerated() { lexicon.numbers[Normalizer.normalize(word)] = i + 1 }
            for word in pack.personal { lexicon.personal.insert(Normalizer.normalize(word)) }
            lexicon.labels[code] = pack.labels
        }
        for place in catalog.places.values.sorted(by: { $0.slug < $1.slug }) {
            let origin = place.meta.origin
            for name in [place.slug.replacingOccurrences(of: "-", with: " "), place.name] + place.aliases {
                add(name, .place(place.slug), language: nil, origin: origin)
            }
        }
        for route in catalog.routes.values.sorted(by: { $0.slug < $1.slug }) {
            for name in [route.slug] + route.aliases + route.names.values.sorted() {
                add(name, .route(route.slug), language: nil, origin: route.meta.origin)
            }
        }
        compile()
        indexWords()
        indexSounds()
        indexConsonants()
        lexicon.phraseVotes = lexicon.phrases.map { $0.utf8.contains(0x20) && !$0.hasPrefix("re:") }
        return (lexicon, issues)
    }

    mutating func indexWords() {
        // (Every word Faro knows, so `known` tells a misspelling apart: one-word names and cues too.)
        let single = lexicon.phrases.lazy.filter { !$0.hasPrefix("re:") && !$0.contains(" ") && !$0.contains("*") }
        let all = Set(lexicon.wordLanguages.keys).union(lexicon.fillers).union(lexicon.phraseWords)
            .union(lexicon.mergedSMS.keys).union(single).union(lexicon.personal)
        for word in all {
            var info = WordInfo(votes: lexicon.wordLanguages[word] ?? 0, filler: lexicon.fillers.contains(word),
                                inPhrase: lexicon.phraseWords.contains(word), personal: lexicon.personal.contains(word))
            if let any = lexicon.mergedSMS[word] {
                info.sms = Int32(lexicon.expansions.count)
                lexicon.expansions.append((lexicon.sms.map { $0[word] }, any))
            }
            lexicon.info[word] = info
        }
    }

    /// The words of every keyword and name, by how they sound in each language that says how its words sound.
    mutating func indexSounds() {
        lexicon.sounds = lexicon.languages.map { code in catalog.languages[code].flatMap(Sounds.init) }
        lexicon.soundsLike = lexicon.sounds.map { _ in [:] }
        for (phrase, meanings) in zip(lexicon.phrases, lexicon.meanings) where !phrase.hasPrefix("re:") {
            for (li, sounds) in lexicon.sounds.enumerated() {
                guard let sounds, meanings.contains(where: { $0.language == nil || $0.language == li }) else { continue }
                for word in phrase.split(separator: " ") where !word.hasSuffix("*") {
                    let key = sounds.fold(word)
                    if let other = lexicon.soundsLike[li][key], other != word { lexicon.soundsLike[li][key] = "" }
                    else { lexicon.soundsLike[li][key] = String(word) }
                }
            }
        }
    }

    /// One-word keywords and names (4+ letters, 3+ consonants) by their consonants. Words that share them and mean
    /// the same ("albergue", "alberge") stay; words that mean different things ("retenes", "retenus") are dropped.
    mutating func indexConsonants() {
        var found: [String: (word: String, targets: Set<Target>)] = [:]
        for (phrase, meanings) in zip(lexicon.phrases, lexicon.meanings)
        where phrase.utf8.count >= 4 && !phrase.hasPrefix("re:") && !phrase.contains(" ") && !phrase.hasSuffix("*") {
            let key = Shorthand.consonants(phrase)
            guard key.utf8.count >= 3 else { continue }
            let targets = Set(meanings.map(\.target))
            if let other = found[key] {
                if other.targets != targets { found[key] = ("", []) }
            } else {
                found[key] = (phrase, targets)
            }
        }
        lexicon.consonants = found.mapValues(\.word)
    }

    mutating func vote(_ word: String, _ language: Int) {
        guard !word.isEmpty else { return }
        lexicon.wordLanguages[word, default: 0] |= 1 << UInt64(language)
    }

    /// Adds one keyword: a phrase, a `word*` prefix, or a `re:` expression.
    mutating func add(_ raw: String, _ target: Target, language: Int?, origin: Origin) {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        let phrase: String
        if trimmed.hasPrefix("re:") {
            let expression = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces)
            do throws(PCRE2Pattern.CompileError) {
                _ = try PCRE2Pattern(expression)
            } catch {
                issues.append(ContentIssue(.error, origin, "keyword pattern '\(expression)' does not compile: \(error)"))
                return
            }
            phrase = "re:" + expression
        } else {
            let words = trimmed.split(separator: " ").map { word -> String in
                word.hasSuffix("*") ? Normalizer.normalize(String(word.dropLast())) + "*" : Normalizer.normalize(String(word))
            }.filter { !$0.isEmpty && $0 != "*" }
            guard !words.isEmpty else {
                issues.append(ContentIssue(.warning, origin, "keyword '\(raw)' has no letters or digits")); return
            }
            phrase = words.joined(separator: " ")
            // Also as a message reaches the matcher, its SMS spellings expanded in the keyword's language (in each
            // language for a place's name): the written form still matches where that language is not guessed.
            let maps = language.map { [lexicon.sms[$0]] } ?? lexicon.sms
            for map in maps {
                let expanded = words.map { map[$0] ?? $0 }.joined(separator: " ")
                if expanded != phrase { addPhrase(expanded, raw: raw, target, language: language, origin: origin) }
            }
        }
        addPhrase(phrase, raw: raw, target, language: language, origin: origin)
    }

    private mutating func addPhrase(_ phrase: String, raw: String, _ target: Target, language: Int?, origin: Origin) {
        // Language codes such as "en" or "es" are ordinary words in Spanish and French: only a whole message
        // made of the code means the language (handled by the gateway).
        if case .languageName = target, phrase.count <= 2 { return }
        let entry = LexEntry(target: target, language: language)
        if let previous = firstOrigin[phrase], previous.0 != target, previous.1 == language || previous.1 == nil || language == nil {
            issues.append(ContentIssue(.warning, origin,
                "keyword '\(raw)' also means \(Self.describe(previous.0)) (\(previous.2)); the first one wins"))
            return
        }
        if firstOrigin[phrase] == nil { firstOrigin[phrase] = (target, language, origin) }
        if let existing = index[phrase] {
            if !lexicon.meanings[existing].contains(where: { $0.target == target && $0.language == language }) {
                lexicon.meanings[existing].append(entry)
            }
        } else {
            index[phrase] = lexicon.phrases.count
            lexicon.phrases.append(phrase)
            lexicon.meanings.append([entry])
            let i = lexicon.phrases.count - 1
            if !phrase.hasPrefix("re:"), !phrase.contains("*") {
                if phrase.contains(" ") { for word in phrase.split(separator: " ") { lexicon.phraseWords.insert(String(word)) } }
                let isPlace = lexicon.meanings[i].contains { if case .place = $0.target { return true } else { return false } }
                let id = lexicon.fuzzy.insert(phrase, edits: isPlace && phrase.utf8.count >= 7 ? 2 : nil)
                assert(id == lexicon.fuzzyMeanings.count)
                lexicon.fuzzyMeanings.append(i)
            }
        }
        // A one-word keyword is evidence of its language wherever it appears; a phrase votes when it matches.
        // A place's name is not: it says nothing of the message's language.
        // Nor are the little words before a destination ("a" in "albergue a juarez").
        let isName = { if case .place = target { return true } else { return false } }()
        if let language, !isName, !Target.nonVoting.contains(target), !phrase.hasPrefix("re:"), !phrase.contains(" "), !phrase.contains("*") { vote(phrase, language) }
    }

    static func describe(_ target: Target) -> String {
        if let cue = Target.cues.first(where: { $0.value == target }) { return cue.key }
        switch target {
        case .intent(let intent, let topic): return topic.map { "\(intent.rawValue).\($0)" } ?? intent.rawValue
        case .place(let slug): return "place \(slug)"
        case .route(let slug): return "route \(slug)"
        case .languageName(let code): return "language \(code)"
        default: return "\(target)"
        }
    }

    /// One alternation, longest phrases first so "ayuda legal" wins over "ayuda" at the same position.
    mutating func compile() {
        let literals = lexicon.phrases.indices.filter { !lexicon.phrases[$0].hasPrefix("re:") }
        let expressions = lexicon.phrases.indices.filter { lexicon.phrases[$0].hasPrefix("re:") }
            .map { "(?:\(lexicon.phrases[$0].dropFirst(3)))(*MARK:\($0))" }
        // Staff expressions run on the text as it is (so ^ and $ mean the whole message), in a pattern of their own.
        if !expressions.isEmpty {
            do throws(PCRE2Pattern.CompileError) {
                lexicon.expressions = try PCRE2Pattern(expressions.joined(separator: "|"))
            } catch {
                issues.append(ContentIssue(.error, Origin(file: "languages/", line: 0), "keyword expressions do not compile together: \(error)"))
            }
        }
        guard !literals.isEmpty else { return }
        // The text is matched as " word word ": every phrase starts after a space. The phrases are compiled as a
        // trie ("derech(?:os…|o…)") rather than a flat list of 1,000+ alternatives, so at each word PCRE2 follows
        // one branch per letter instead of trying every phrase; a phrase ends only before a space, and a longer
        // phrase is tried before a shorter one that is its prefix.
        var trie = TrieNode()
        var loose: [String] = []       // a `*` inside a phrase: kept out of the trie
        for i in literals {
            let phrase = lexicon.phrases[i]
            if let star = phrase.firstIndex(of: "*"), phrase.index(after: star) != phrase.endIndex {
                loose.append("\(Self.literal(phrase))(?= )(*MARK:\(i))")
            } else { trie.insert(Array(phrase), index: i) }
        }
        if !loose.isEmpty { lexicon.loose = compile("\\G (?:" + loose.joined(separator: "|") + ")") }
        // Each word is matched once, with the trie of its first byte, so the number of patterns costs nothing per
        // message. PCRE2 caps a compiled pattern's size: when the phrases do not fit in one, the first bytes are
        // split into as few groups as fit, in order (letters that share a first byte stay together).
        let buckets = Dictionary(grouping: trie.children.keys) { $0.utf8.first! }.sorted { $0.key < $1.key }
        var start = 0
        while start < buckets.count {
            // The longest run of buckets from `start` that compiles (halving the rest until one does).
            var count = buckets.count - start
            var pattern: PCRE2Pattern?
            while pattern == nil {
                var node = TrieNode()
                for (_, letters) in buckets[start..<start + count] { for l in letters { node.children[l] = trie.children[l] } }
                pattern = try? PCRE2Pattern("\\G (?:" + node.pattern() + ")")
                if pattern == nil {
                    guard count > 1 else {
                        issues.append(ContentIssue(.error, Origin(file: "languages/", line: 0),
                                                   "keyword patterns do not compile (phrases starting with '\(buckets[start].value.first!)')"))
                        return
                    }
                    count = (count + 1) / 2
                }
            }
            for (byte, _) in buckets[start..<start + count] { lexicon.patternForByte[Int(byte)] = lexicon.patterns.count }
            lexicon.patterns.append(pattern!)
            start += count
        }
    }

    private mutating func compile(_ source: String) -> PCRE2Pattern? {
        do throws(PCRE2Pattern.CompileError) { return try PCRE2Pattern(source) } catch {
            issues.append(ContentIssue(.error, Origin(file: "languages/", line: 0), "keyword patterns do not compile: \(error)"))
            return nil
        }
    }

    /// A trie of phrases, written out as a pattern.
    struct TrieNode {
        var children: [Character: TrieNode] = [:]
        var end: Int?          // phrase index ending here
        var star: Int?         // phrase index ending here with `*` (any ending)

        mutating func insert(_ chars: [Character], index: Int) {
            guard let first = chars.first else { if end == nil { end = index }; return }
            if first == "*", chars.count == 1 { if star == nil { star = index }; return }
            children[first, default: TrieNode()].insert(Array(chars.dropFirst()), index: index)
        }

        /// Children first (longer phrases), then any ending, then the end of a phrase — each end needs a space next.
        func pattern() -> String {
            var alternatives = children.keys.sorted().map { LexiconBuilder.literal(String($0)) + children[$0]!.pattern() }
            if let star { alternatives.append("[a-z0-9]*(?= )(*MARK:\(star))") }
            if let end { alternatives.append("(?= )(*MARK:\(end))") }
            return alternatives.count == 1 ? alternatives[0] : "(?:" + alternatives.joined(separator: "|") + ")"
        }
    }

    /// A normalized phrase as a pattern: letters and digits literal, `*` as "any ending".
    static func literal(_ phrase: String) -> String {
        var out = ""
        for ch in phrase {
            switch ch {
            case "*": out += "[a-z0-9]*"
            case " ": out += " "
            default: out += ch.isLetter || ch.isNumber ? String(ch) : "\\" + String(ch)
            }
        }
        return out
    }
}
