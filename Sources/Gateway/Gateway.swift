import Content

/// Understanding: any text in, a `Command` out. Total — unknown, empty or hostile text is a `Command` too.
public struct Gateway: Sendable {
    let lexicon: Lexicon
    public let issues: [ContentIssue]

    public init(catalog: Catalog) {
        (lexicon, issues) = Lexicon.build(catalog)
    }

    /// Which intent wins when a message names several (a service asked for beats a general word).
    static let precedence: [Intent] = [.emergency, .stop, .start, .language, .subscribe, .shelter, .medical, .beta,
                                       .rights, .legal, .dangers, .route, .thanks, .menu]

    struct Hit {
        var target: Target
        var language: Int?
        var position: Int
        var fuzzy: Bool
    }

    public func understand(_ text: String) -> Command {
        let normalized = Normalizer.normalize(text)
        let words = Normalizer.words(normalized)
        guard !words.isEmpty else { return Command(intent: .unknown) }

        if words.count == 1, let only = words.first {
            if only.allSatisfy(\.isASCIIDigit) {
                if only == "00" { return Command(intent: .menu) }
                return Command(intent: .menu, choice: only.count <= 3 ? Int(only) : nil)
            }
            if let code = lexicon.languages.first(where: { $0 == only }) {
                return Command(intent: .language, topic: code, language: code)
            }
        }

        var votes = [Int](repeating: 0, count: lexicon.languages.count)
        for word in words { addVotes(lexicon.wordLanguages[String(word)], weight: 1, to: &votes) }
        let guess = Self.winner(votes)

        // SMS spellings expanded in the language the words suggest.
        let table = guess.map { lexicon.sms[$0] } ?? lexicon.mergedSMS
        var expandedWords: [Substring] = []
        expandedWords.reserveCapacity(words.count)
        for word in words {
            if let long = table[String(word)] ?? (guess == nil ? nil : lexicon.mergedSMS[String(word)]) {
                expandedWords.append(contentsOf: long.split(separator: " "))
            } else { expandedWords.append(word) }
        }
        var hits: [Hit] = []
        var covered = [Bool](repeating: false, count: expandedWords.count)
        matchPhrases(expandedWords, &hits, &covered)
        matchTypos(expandedWords, &hits, &covered)
        for hit in hits where hit.language != nil { votes[hit.language!] += hit.fuzzy ? 1 : 2 }
        let language = Self.winner(votes)
        var command = decide(hits, language: language)
        command.language = language.map { lexicon.languages[$0] }
        if command.intent == .unknown { command.suggestion = suggest(expandedWords, language: language) }
        return command
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
        guard let pattern = lexicon.pattern else { return }
        var text = words.joined(separator: " ")
        // Word index of each byte offset where a word starts.
        var starts: [Int] = []
        var offset = 0
        for word in words { starts.append(offset); offset += word.utf8.count + 1 }
        text.withUTF8 { bytes in
            for match in pattern.matches(in: bytes) {
                guard let mark = match.mark else { continue }
                let start = match.start == 0 || bytes[match.start] != 0x20 ? match.start : match.start + 1
                let first = starts.firstIndex { $0 >= start } ?? 0
                let last = (starts.lastIndex { $0 < match.end }) ?? first
                for i in first...max(first, last) { covered[i] = true }
                for meaning in lexicon.meanings[mark] {
                    hits.append(Hit(target: meaning.target, language: meaning.language, position: first, fuzzy: false))
                }
            }
        }
    }

    /// Uncovered words (and pairs of words, for names like "piedras negra") of 4+ letters that are not common
    /// words are looked up in the typo index.
    private func matchTypos(_ words: [Substring], _ hits: inout [Hit], _ covered: inout [Bool]) {
        for i in words.indices where !covered[i] {
            if i + 1 < words.count, !covered[i + 1], words[i].count + words[i + 1].count >= 8 {
                let pair = words[i] + " " + words[i + 1]
                if addFuzzy(pair[...], at: i, &hits) { covered[i] = true; covered[i + 1] = true; continue }
            }
            let word = words[i]
            guard word.utf8.count >= 4, !lexicon.fillers.contains(String(word)),
                  !word.allSatisfy(\.isASCIIDigit) else { continue }
            if addFuzzy(word, at: i, &hits) { covered[i] = true }
        }
    }

    private func addFuzzy(_ query: Substring, at position: Int, _ hits: inout [Hit]) -> Bool {
        let found = lexicon.fuzzy.lookup(query)
        guard !found.ids.isEmpty else { return false }
        for id in found.ids {
            for meaning in lexicon.meanings[lexicon.fuzzyMeanings[id]] {
                // Place names need 5+ letters to be guessed from a typo.
                if case .place = meaning.target, query.utf8.count < 5 { continue }
                hits.append(Hit(target: meaning.target, language: meaning.language, position: position, fuzzy: true))
            }
        }
        return true
    }

    func decide(_ hits: [Hit], language: Int?) -> Command {
        // Where a phrase means different things in different languages, keep the meaning in the message's language.
        var intents: [Intent: String?] = [:]
        var place: String?, route: String?, languageName: String?
        var more = false, back = false
        for hit in hits.sorted(by: { $0.position < $1.position }) {
            if let l = hit.language, let language, l != language,
               hits.contains(where: { $0.position == hit.position && $0.language == language }) { continue }
            switch hit.target {
            case .intent(let intent, let topic):
                if let existing = intents[intent] { if existing == nil, topic != nil { intents[intent] = topic } }
                else { intents[intent] = topic }
            case .place(let slug): if place == nil { place = slug }
            case .route(let slug): if route == nil { route = slug }
            case .languageName(let code): if languageName == nil { languageName = code }
            case .more: more = true
            case .back: back = true
            }
        }
        var command = Command(intent: .unknown, place: place, route: route)
        // "derechos" + "salud": the right to health care, not a doctor.
        if intents.keys.contains(.rights), case .some(.none) = intents[.rights], intents[.medical] != nil {
            intents[.rights] = "health"; intents[.medical] = nil
        }
        if let intent = Self.precedence.first(where: { intents[$0] != nil }) {
            command.intent = intent
            command.topic = intents[intent] ?? nil
            if intent == .language { command.topic = languageName ?? command.topic }
            // A greeting or thanks around a place name still asks about that place.
            if intent == .menu || intent == .thanks, place != nil || route != nil {
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
