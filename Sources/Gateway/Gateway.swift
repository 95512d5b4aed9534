import Content

/// Understanding: any text in, a `Command` out. Total — unknown, empty or hostile text is a `Command` too.
/// A class, so that callers holding it do not depend on its layout.
public final class Gateway: Sendable {
    let lexicon: Lexicon
    let model: LanguageModel
    /// The words of Faro's own texts (replies, dangers, routes), by the languages they are written in (bit per
    /// language): real words of that language, never typos or keywords of another.
    let vocabulary: [String: UInt64]
    public let issues: [ContentIssue]

    public init(catalog: Catalog) {
        (lexicon, issues) = Lexicon.build(catalog)
        model = LanguageModel(catalog: catalog, languages: lexicon.languages)
        vocabulary = Self.vocabulary(catalog, languages: lexicon.languages)
    }

    static func vocabulary(_ catalog: Catalog, languages: [String]) -> [String: UInt64] {
        var words: [String: UInt64] = [:]
        for (index, code) in languages.enumerated() {
            var texts = catalog.replies.values.flatMap { $0.pages[code] ?? [] }
            texts += catalog.places.values.flatMap { $0.dangers[code] ?? [] }
            texts += catalog.routes.values.flatMap { $0.text[code] ?? [] }
            texts += catalog.languages[code]?.detect ?? []   // common words staff list for language detection
            for text in texts {
                for word in Normalizer.words(Normalizer.normalize(text)) { words[String(word), default: 0] |= 1 << UInt64(index) }
            }
        }
        return words
    }

    /// Among rights topics named together, the one that says what the person wants to do wins; a minor held by
    /// migration gets the children's rights (minors may not be held in a migration station); work beside asylum
    /// asks about working while the claim is pending.
    static func topicRank(_ topic: String) -> Int {
        ["complaint", "work", "asylum", "children", "detention", "health"].firstIndex(of: topic) ?? 9
    }

    /// Which intent wins when a message names several (a service asked for beats a general word).
    /// Grupos Beta named are what the message is about ("are the beta migra?", "do they give water?").
    static let precedence: [Intent] = [.emergency, .stop, .start, .language, .subscribe, .beta, .shelter, .medical,
                                       .rights, .legal, .dangers, .route, .thanks, .menu]

    static let services: [Intent] = [.beta, .shelter, .medical, .legal, .dangers, .route]

    struct Hit {
        var target: Target
        var language: Int?
        var position: Int
        var fuzzy: Bool
        /// Whether this hit adds to the language votes (typos and multi-word phrases; single words vote as words).
        var votes: Bool = false
        /// Words the match covers.
        var span = 1
    }

    /// Why a text was understood as it was: the normalized words and every keyword hit (for `faro ask --explain`).
    public func explain(_ text: String) -> String {
        var lines = ["normalized: \(Normalizer.normalize(text))"]
        let command = understand(text, trace: { lines.append($0) })
        lines.append("command: \(command)")
        return lines.joined(separator: "\n")
    }

    public func understand(_ text: String) -> Command { understand(text, trace: nil) }

    func understand(_ text: String, trace: ((String) -> Void)?) -> Command {
        let normalized = Normalizer.normalize(text)
        let words = Normalizer.words(normalized)
        guard !words.isEmpty else { return Command(intent: .unknown) }

        if words.count == 1, let only = words.first {
            if only.allSatisfy(\.isASCIIDigit), only.count <= 2 {
                return only == "00" ? Command(intent: .menu) : Command(intent: .menu, choice: Int(only))
            }
            if let code = lexicon.languages.first(where: { $0 == only }) {
                return Command(intent: .language, topic: code, language: code)
            }
        }

        var votes = [Int](repeating: 0, count: lexicon.languages.count)
        let infos = words.map { lexicon.info[String($0)] ?? .unknown }
        for info in infos where info.votes != 0 { addVotes(info.votes, weight: 1, to: &votes) }
        addOrthographyVotes(text, &votes)
        let guess = Self.winner(votes)

        // SMS spellings expanded in the language the words suggest (any language's when they suggest none).
        var expandedWords: [Substring] = []
        var expandedInfos: [WordInfo] = []
        expandedWords.reserveCapacity(words.count)
        for (word, info) in zip(words, infos) {
            if info.sms >= 0 {
                let expansion = lexicon.expansions[Int(info.sms)]
                let long = guess.flatMap { expansion.byLanguage[$0] } ?? expansion.any
                for part in long.split(separator: " ") {
                    expandedWords.append(part)
                    expandedInfos.append(WordInfo(filler: true))
                }
            } else {
                expandedWords.append(word)
                expandedInfos.append(info)
            }
        }
        var hits: [Hit] = []
        var covered = [Bool](repeating: false, count: expandedWords.count)
        matchPhrases(expandedWords, &hits, &covered)
        let exact = covered
        matchTypos(expandedWords, expandedInfos, &hits, &covered)
        // One-word keywords already voted as words; a phrase or a typo votes for the language it belongs to.
        for hit in hits where hit.votes { if let l = hit.language { votes[l] += 1 } }
        // A place name is a name: "ciudad" in "clinique ciudad hidalgo" does not make the message Spanish.
        for hit in hits where !hit.fuzzy {
            guard case .place = hit.target else { continue }
            for i in hit.position..<min(hit.position + hit.span, expandedInfos.count) {
                addVotes(expandedInfos[i].votes, weight: -1, to: &votes)
            }
        }
        if let trace {
            trace("expanded: \(expandedWords.joined(separator: " "))")
            for hit in hits {
                trace("hit: word \(hit.position) → \(hit.target)\(hit.language.map { " [\(lexicon.languages[$0])]" } ?? "")\(hit.fuzzy ? " (typo)" : "")")
            }
            trace("language votes: \(zip(lexicon.languages, votes).map { "\($0)=\($1)" }.joined(separator: " "))")
        }
        var language = Self.winner(votes)
        // Words tie or say nothing: let the letters decide, among the tied languages, when the message has words
        // of its own (not just names and keywords shared by several languages).
        if language == nil {
            let top = votes.max() ?? 0
            // The person's own words (typos included): not exact keywords or names, not numbers.
            let own = expandedWords.indices.filter { !exact[$0] && !expandedWords[$0].utf8.contains { $0 >= 0x30 && $0 <= 0x39 } }
                .map { expandedWords[$0] }
            let scores = top > 0 || own.count >= 2 ? model.scores(own) : []
            if !scores.isEmpty {
                let candidates = votes.indices.filter { votes[$0] == top }
                language = candidates.max { scores[$0] < scores[$1] }
            }
        }
        // A one-word keyword of another language that is also a word of the message's own ("son" in "cuantos
        // km son hasta torreon") is that word.
        if let language {
            hits.removeAll { hit in
                guard let l = hit.language, l != language, !hit.fuzzy, hit.span == 1 else { return false }
                return (vocabulary[String(expandedWords[hit.position])] ?? 0) & (1 << UInt64(language)) != 0
            }
        }
        if let choice = numberedChoice(expandedWords, hits) {
            return Command(intent: .menu, language: language.map { lexicon.languages[$0] }, choice: choice)
        }
        var command = decide(hits, language: language)
        command.language = language.map { lexicon.languages[$0] }
        if language == nil, let top = votes.max(), top > 0 {
            command.possibleLanguages = votes.indices.filter { votes[$0] == top }.map { lexicon.languages[$0] }
        }
        if command.intent == .unknown { command.suggestion = suggest(expandedWords, language: language) }
        return command
    }

    /// "opcion 4", "el 3", "choix 2 svp": one number of one or two digits, a word that makes it a choice, and
    /// nothing else but common words.
    private func numberedChoice(_ words: [Substring], _ hits: [Hit]) -> Int? {
        guard words.count <= 5 else { return nil }
        let marked = Set(hits.filter { $0.target == .choice }.map(\.position))
        guard !marked.isEmpty else { return nil }
        var number: Int?
        for (i, word) in words.enumerated() where !marked.contains(i) {
            if word.utf8.count <= 2, word.allSatisfy(\.isASCIIDigit) {
                guard number == nil else { return nil }
                number = Int(word)
            } else if !lexicon.fillers.contains(String(word)) {
                return nil
            }
        }
        return number
    }

    /// Letters that only one of the shipped languages uses: ñ ¿ ¡ á í ó ú for Spanish; è à ù ê â ô î û ç œ for
    /// French. Counted from the raw text (the normalizer folds them away). Languages are data, so the letters are
    /// looked up by language code and ignored when that language is not loaded.
    private func addOrthographyVotes(_ text: String, _ votes: inout [Int]) {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return }
        for scalar in text.unicodeScalars where scalar.value >= 0xA1 && scalar.value < 0x180 {
            let code: String
            switch scalar {
            case "ñ", "Ñ", "¿", "¡", "á", "í", "ó", "ú", "Á", "Í", "Ó", "Ú": code = "es"
            case "è", "à", "ù", "ê", "â", "ô", "î", "û", "ç", "œ", "È", "À", "Ç", "ë", "ï": code = "fr"
            default: continue
            }
            if let i = lexicon.languages.firstIndex(of: code) { votes[i] += 1 }
        }
    }

    private func addVotes(_ bits: UInt64?, weight: Int, to votes: inout [Int]) {
        guard var bits else { return }
        while bits != 0 {
            let i = bits.trailingZeroBitCount
            if i < votes.count { votes[i] += weight }
            bits &= bits - 1
        }
    }

    /// The language with the most evidence, or nil on a tie or no evidence.
    static func winner(_ votes: [Int]) -> Int? {
        var best: Int?, bestScore = 0, tied = false
        for (i, score) in votes.enumerated() where score > 0 {
            if score > bestScore { best = i; bestScore = score; tied = false } else if score == bestScore { tied = true }
        }
        return tied ? nil : best
    }

    private func matchPhrases(_ words: [Substring], _ hits: inout [Hit], _ covered: inout [Bool]) {
        var text = " " + words.joined(separator: " ") + " "
        // Word index of each byte offset where a word starts (after its leading space).
        var starts: [Int] = []
        var offset = 1
        for word in words { starts.append(offset); offset += word.utf8.count + 1 }
        text.withUTF8 { padded in
            // Longest match first at each place, and no two phrases over the same words, across the patterns.
            var literal = lexicon.patterns.flatMap { $0.matches(in: padded) }
            if lexicon.patterns.count > 1 {
                literal.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
                var end = -1
                literal = literal.filter { match in
                    guard match.start + 1 >= end else { return false }
                    end = match.end
                    return true
                }
            }
            var found = literal.map { ($0, $0.start + 1) }
            if let expressions = lexicon.expressions {
                // Expressions see the text without the padding spaces.
                let inner = UnsafeBufferPointer(rebasing: padded[1..<(padded.count - 1)])
                found += expressions.matches(in: inner).map { ($0, $0.start + 1) }
            }
            for (match, start) in found {
                guard let mark = match.mark else { continue }
                let first = starts.firstIndex { $0 >= start } ?? 0
                let last = (starts.lastIndex { $0 < match.end + (start - match.start) - 1 }) ?? first
                for i in first...max(first, last) { covered[i] = true }
                let votes = lexicon.phraseVotes[mark]
                for meaning in lexicon.meanings[mark] {
                    hits.append(Hit(target: meaning.target, language: meaning.language, position: first, fuzzy: false,
                                    votes: votes, span: max(first, last) - first + 1))
                }
            }
        }
    }

    /// Uncovered words (and pairs of words, for names like "piedras negra") of 4+ letters that are not common
    /// words are looked up in the typo index.
    private func matchTypos(_ words: [Substring], _ infos: [WordInfo], _ hits: inout [Hit], _ covered: inout [Bool]) {
        for i in words.indices where !covered[i] {
            if i + 1 < words.count, !covered[i + 1], words[i].utf8.count + words[i + 1].utf8.count >= 8,
               infos[i].inPhrase || infos[i + 1].inPhrase, !infos[i].filler, !infos[i + 1].filler {
                let pair = words[i] + " " + words[i + 1]
                if addFuzzy(pair[...], at: i, &hits) { covered[i] = true; covered[i + 1] = true; continue }
            }
            // A name typed in two pieces ("monte rey", "tia juana"): only places are looked for this way.
            if i + 1 < words.count, !covered[i + 1], !infos[i].filler, !infos[i + 1].filler,
               words[i].utf8.count + words[i + 1].utf8.count >= 6 {
                if addFuzzy((words[i] + words[i + 1])[...], at: i, &hits, placesOnly: true) {
                    covered[i] = true; covered[i + 1] = true; continue
                }
            }
            let word = words[i]
            guard word.utf8.count >= 4, !infos[i].filler, !word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { continue }
            // A word of Faro's own texts is a real word, not a typo ("queda" is not "queja").
            guard vocabulary[String(word)] == nil else { continue }
            if addFuzzy(word, at: i, &hits) { covered[i] = true }
        }
    }

    private func addFuzzy(_ query: Substring, at position: Int, _ hits: inout [Hit], placesOnly: Bool = false) -> Bool {
        let found = lexicon.fuzzy.lookup(query)
        guard !found.ids.isEmpty else { return false }
        var added = false
        for id in found.ids {
            for meaning in lexicon.meanings[lexicon.fuzzyMeanings[id]] {
                if placesOnly { guard case .place = meaning.target else { continue } }
                // Place names need 5+ letters to be guessed from a typo.
                if case .place = meaning.target, query.utf8.count < 5 { continue }
                hits.append(Hit(target: meaning.target, language: meaning.language, position: position, fuzzy: true, votes: true))
                added = true
            }
        }
        return added
    }

    func decide(_ all: [Hit], language: Int?) -> Command {
        // Once the message's language is known, keywords of other languages count only when nothing in the
        // message's own language matched ("son" is English for a child, not in "cuales son mis derechos"), and a
        // typo only counts as a typo of the message's language. Typos count only when no keyword matched exactly.
        var hits = all
        if let language {
            // A greeting in the message's language ("hello ... albergue in saltillo") does not hide a keyword of
            // another language; any other request of its own does.
            let own = hits.contains { hit in
                guard case .intent = hit.target, !hit.fuzzy, hit.language == language else { return false }
                return !Self.isGreeting(hit.target)
            }
            hits.removeAll { hit in
                guard let l = hit.language, l != language else { return false }
                return own || hit.fuzzy
            }
        }
        // Off-topic words ("i love you baby", "quien gano el partido"): typos, greetings and a child named in
        // passing are not requests.
        if hits.contains(where: { $0.target == .offTopic }) {
            hits.removeAll { hit in
                hit.fuzzy || Self.isGreeting(hit.target) || hit.target == .intent(.rights, topic: "children")
                    || (language != nil && hit.language != nil && hit.language != language)  // "el america": not "america"
            }
        }
        let exactIntent = hits.contains { if case .intent = $0.target { return !$0.fuzzy } else { return false } }
        if exactIntent { hits.removeAll { if case .intent = $0.target { return $0.fuzzy } else { return false } } }
        var intents = IntentSet()
        var place: String?, route: String?, languageName: String?, languageSpan = 0
        var more = false, back = false, cost = false, authority = false, doubt = false
        var counts = [Intent: Int]()
        var firstRoute = Int.max, firstChild = Int.max, afterToward = -1
        var rightsNamed = Set<String>()  // every rights topic a word named ("" for rights in general)
        for hit in hits.sorted(by: { $0.position < $1.position }) {
            switch hit.target {
            case .intent(let intent, let topic):
                counts[intent, default: 0] += 1
                if intent == .route { afterToward = hit.position + hit.span }  // "como llegar a", "quel chemin pour"
                if intent == .route { firstRoute = min(firstRoute, hit.position) }
                if intent == .rights {
                    rightsNamed.insert(topic ?? "")
                    if topic == "children" { firstChild = min(firstChild, hit.position) }
                }
                if let existing = intents[intent] {
                    if intent != .rights {
                        // strong outweighs plain, which outweighs held, which outweighs weak or past
                        let weight = { (t: String?) in t == "strong" ? 3 : t == nil ? 2 : t == "held" ? 1 : 0 }
                        if weight(topic) > weight(existing) { intents[intent] = .some(topic) }
                    } else if let topic, existing.map({ Self.topicRank(topic) < Self.topicRank($0) }) ?? true { intents[intent] = topic }
                } else { intents[intent] = topic }
            // Of two places, the destination ("de queretaro a san luis potosi", "quel chemin pour monterrey").
            case .place(let slug): if place == nil || hit.position == afterToward { place = slug }
            case .route(let slug): if route == nil { route = slug }
            // "je comprends pas l'espagnol, en français svp": a phrase ("en francais") says which language is
            // wanted better than a bare name.
            case .languageName(let code):
                // Of two such phrases the later ("no leo frances, en frances me llego, mandemelo en español").
                if languageName == nil || hit.span > languageSpan || hit.span == languageSpan && hit.span > 1 {
                    languageName = code; languageSpan = hit.span
                }
            case .more: more = true
            case .back: back = true
            case .offTopic, .choice: break
            case .cost: cost = true
            case .authority: authority = true
            case .toward: afterToward = hit.position + hit.span
            case .doubt:
                doubt = true
                if intents[.dangers] == nil { intents[.dangers] = .some(nil) }
            }
        }
        // Police or officials named: what they did (an arrest: detention) says more; else a complaint about them.
        // (Unless the person asks whether an offer can be trusted: then the officials are part of the offer.)
        if authority, !doubt, (intents[.rights] ?? nil) == nil { intents[.rights] = "complaint" }
        // Held or locked in ("nos tienen encerrados"): an emergency, unless migration holds them (a detention
        // word: "encerrados en la estacion migratoria") — then it is the rights of a detained person.
        if intents[.emergency] == .some("held") {
            intents[.emergency] = rightsNamed.contains("detention") ? nil : .some(nil)
        }
        var strong = Self.weigh(&intents)
        // Thanks said three ways ("arrivés sains et saufs, merci", "we reach safe, thank you, God bless") is thanks.
        if strong == nil, (counts[.thanks] ?? 0) >= 3 { strong = .thanks }
        if doubt, strong == nil, intents[.rights] == nil, intents[.beta] == nil { strong = .dangers }
        var command = Command(intent: .unknown, place: place, route: route)
        // "derechos" + "salud": the right to health care, not a doctor (also for a child refused care).
        if let topic = intents[.rights], topic == nil || topic == "health" || topic == "children" && rightsNamed.contains("health"),
           intents[.medical] != nil {
            intents[.rights] = "health"; intents[.medical] = nil
        }
        // "the hospital refused me, is that legal?", "the clinic charged me 500 pesos": the right to care.
        let childNamed = intents[.rights] == .some("children")
        if intents[.medical] != nil, intents[.rights] == nil || childNamed, intents[.legal] != nil || cost {
            intents[.rights] = "health"; intents[.medical] = nil; intents[.legal] = nil
        }
        // Money taken or asked for by migration officers or police ("un agent de migration m'a pris 2000 pesos"):
        // extortion, a complaint.
        if cost, intents[.medical] == nil, intents[.rights] == .some("detention") { intents[.rights] = "complaint" }
        // Children named beside a question about risks, the way or a place to stay are a detail of it ("is it safe
        // to cross, we have a baby", "on dort dans le parc avec mes deux enfants, un centre pour nous ?").
        // A child told first ("we found a boy alone at the bus station") or beside a rights word is the question.
        if intents[.rights] == .some("children"), !rightsNamed.contains(where: { $0 != "children" }),
           intents[.dangers] != nil || intents[.shelter] != nil || firstRoute < firstChild {
            intents[.rights] = nil
        }
        if let strong, intents[.emergency] == nil { intents = IntentSet(); intents[strong] = .some(nil) }
        // Detention and complaints name what the message is about; shelter or doctor words around them are
        // details ("in the migration station they don't let me call my family"). Asylum is often background
        // ("I already applied at COMAR but have nowhere to sleep").
        let strongTopic = intents[.rights].flatMap { $0 }.map { ["detention", "complaint"].contains($0) } ?? false
        // Pay and work offers: food or a room that come with the job are part of it ("trabajo con comida y pasaje").
        if intents[.rights] == .some("work") { intents[.shelter] = nil }
        let order = strongTopic ? Self.precedence.filter { $0 != .rights }.flatMap { $0 == .beta ? [.beta, .rights] : [$0] }
                                : Self.precedence
        if var intent = order.first(where: { intents[$0] != nil }) {
            // Among places to go (a shelter, a doctor, a lawyer…), the one the message talks about most: "mal aux
            // dents … manger … dentiste" is a doctor, "tos y fiebre … dormimos afuera" too. Whether a way is safe
            // stays a question about dangers however much of the way is described.
            if Self.services.contains(intent), strong == nil {
                let best = Self.services.filter { intents[$0] != nil && !($0 == .route && intents[.dangers] != nil) }.max { (counts[$0] ?? 0) < (counts[$1] ?? 0) }
                if let best, (counts[best] ?? 0) > (counts[intent] ?? 0) { intent = best }
            }
            command.intent = intent
            command.topic = intents[intent] ?? nil
            if intent == .language { command.topic = languageName ?? command.topic }
            // A greeting or thanks around a place name still asks about that place.
            // Not thanks said two ways ("ya llegamos a hermosillo, gracias por la info"): that is thanks.
            if intent == .menu || intent == .thanks && counts[.thanks] == 1, place != nil || route != nil, strong == nil {
                command.intent = place != nil ? .dangers : .route; command.implied = true
            }
        } else if let languageName {
            command.intent = .language; command.topic = languageName
        } else if place != nil {
            command.intent = .dangers; command.implied = true
        } else if route != nil {
            command.intent = .route; command.implied = true
        } else if more {
            command.intent = .menu; command.more = true
        } else if back {
            command.intent = .menu; command.choice = 0
        }
        return command
    }

    /// Resolves the strength of keywords (messages/README.md) and returns the intent named by a strong one.
    /// Weak words ("urgent", a "stop" inside a question) count only when nothing else is asked — but a weak
    /// emergency word beside a danger word is still an emergency. Robbed or beaten in the past: a request beside it
    /// (a complaint, papers, a shelter) is what the person wants; someone hurt, or only the place or the train
    /// named, and it stays an emergency. A child named is not a request ("urgent, ma fille a perdu connaissance").
    /// Strong words say what the whole message is ("este numero que servicios dan", "ya llegue bien").
    static func weigh(_ intents: inout IntentSet) -> Intent? {
        var strong: Intent?
        for intent in precedence where intent != .rights {
            guard case .some(.some(let strength)) = intents[intent] else { continue }
            if strength == "strong" { strong = strong ?? intent; intents[intent] = .some(nil); continue }
            let asks = strength == "weak"
                ? precedence.filter { $0 != intent && !isGreeting(.intent($0, topic: nil)) && !(intent == .emergency && $0 == .dangers) }
                : [.rights, .legal, .shelter, .beta, .subscribe, .stop, .start, .language]
            let snapshot = intents
            let asked = asks.contains { snapshot[$0] != nil && !($0 == .rights && snapshot[.rights] == .some("children")) }
            intents[intent] = asked ? nil : .some(nil)
        }
        return strong
    }

    static func isGreeting(_ target: Target) -> Bool {
        target == .intent(.menu, topic: nil) || target == .intent(.thanks, topic: nil)
    }

    /// The closest keyword id for "did you mean", allowing one edit more than understanding does.
    private func suggest(_ words: [Substring], language: Int?) -> String? {
        var best: (distance: Int, id: String)?
        for word in words where word.utf8.count >= 3 && !lexicon.fillers.contains(String(word)) {
            let found = lexicon.fuzzy.lookup(word, limit: 2, relaxed: true)
            for id in found.ids {
                for meaning in lexicon.meanings[lexicon.fuzzyMeanings[id]] {
                    guard case .intent(let intent, let topic) = meaning.target else { continue }
                    let key = topic.map { "\(intent.rawValue).\($0)" } ?? intent.rawValue
                    if best == nil || found.distance < best!.distance { best = (found.distance, key) }
                }
            }
        }
        return best?.id
    }

    /// Labels people should send, by language (for "did you mean" and menus).
    public func label(_ keywordID: String, language: String) -> String? { lexicon.labels[language]?[keywordID] }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The intents a message named, each with its topic: a dictionary's interface over fixed arrays (it runs per message).
struct IntentSet {
    private var present = [Bool](repeating: false, count: Intent.allCases.count)
    private var topics = [String?](repeating: nil, count: Intent.allCases.count)

    private static func index(_ intent: Intent) -> Int {
        switch intent {
        case .menu: 0
        case .rights: 1
        case .dangers: 2
        case .route: 3
        case .shelter: 4
        case .beta: 5
        case .medical: 6
        case .legal: 7
        case .emergency: 8
        case .language: 9
        case .subscribe: 10
        case .stop: 11
        case .start: 12
        case .thanks: 13
        case .unknown: 14
        }
    }

    /// nil: not named; .some(topic): named, with an optional topic.
    subscript(intent: Intent) -> String?? {
        get { present[Self.index(intent)] ? .some(topics[Self.index(intent)]) : nil }
        set {
            let i = Self.index(intent)
            present[i] = newValue != nil
            topics[i] = newValue ?? nil
        }
    }
}
