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
    let memo = Memo()

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

    public func understand(_ text: String) -> Command {
        memo.command(for: text) { understand($0, trace: nil) }
    }

    /// One message (or one question of it) understood on its own.
    func understandWhole(_ text: String, trace: ((String) -> Void)?) -> (command: Command, several: Bool) {
        let normalized = Normalizer.normalize(text)
        let words = Normalizer.words(normalized)
        guard !words.isEmpty else { return (Command(intent: .unknown), false) }

        if words.count == 1, let only = words.first {
            if only.allSatisfy(\.isASCIIDigit), only.count <= 2 {
                return (only == "00" ? Command(intent: .menu) : Command(intent: .menu, choice: Int(only)), false)
            }
            if let code = lexicon.languages.first(where: { $0 == only }) {
                return (Command(intent: .language, topic: code, language: code), false)
            }
        }

        var votes = [Int](repeating: 0, count: lexicon.languages.count)
        let infos = words.map { lexicon.info[String($0)] ?? .unknown }
        for info in infos where info.votes != 0 { addVotes(info.votes, weight: 1, to: &votes) }
        addOrthographyVotes(text, &votes)
        let guess = Self.winner(votes)

        // SMS spellings expanded in the language the words suggest, and only in it (a French "j'ai" is not the
        // Spanish "ai" for "hay", an English "nose" not "no se"); in any language's when the words suggest none.
        var expandedWords: [Substring] = []
        var expandedInfos: [WordInfo] = []
        expandedWords.reserveCapacity(words.count)
        for (word, info) in zip(words, infos) {
            let expansion = info.sms >= 0 ? lexicon.expansions[Int(info.sms)] : nil
            if let expansion, let long = guess.map({ expansion.byLanguage[$0] }) ?? expansion.any {
                for part in long.split(separator: " ") {
                    expandedWords.append(part)
                    expandedInfos.append(WordInfo(filler: true))
                }
            } else {
                expandedWords.append(word)
                expandedInfos.append(info)
            }
        }
        // Words written by ear, in a language that says how its words sound: an unknown word that sounds like one
        // keyword word is that word ("yegamos" is "llegamos").
        if let guess, let sounds = lexicon.sounds[guess] {
            for i in expandedWords.indices where !expandedInfos[i].known && expandedWords[i].utf8.count >= 3 {
                let word = expandedWords[i]
                guard let heard = lexicon.soundsLike[guess][sounds.fold(word)], !heard.isEmpty, heard != word else { continue }
                expandedWords[i] = Substring(heard)
                expandedInfos[i] = lexicon.info[heard] ?? .unknown
                expandedInfos[i].votes = 0  // this word voted as written (nothing) above
            }
        }
        // Words written without their vowels ("albrg", "drchos"): the one keyword word with the same consonants,
        // two vowels or more left out (one is a typo, found below). It votes as the word it stands for.
        for i in expandedWords.indices where !expandedInfos[i].known && Shorthand.mayBeShort(expandedWords[i]) {
            let word = expandedWords[i]
            guard let full = lexicon.consonants[Shorthand.consonants(word)], full.utf8.count >= word.utf8.count + 2,
                  Shorthand.dropsOnlyVowels(word, of: full) else { continue }
            expandedWords[i] = Substring(full)
            expandedInfos[i] = lexicon.info[full] ?? .unknown
            addVotes(expandedInfos[i].votes, weight: 1, to: &votes)
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
            let (scores, trigrams) = top > 0 || own.count >= 2 ? model.scores(own) : ([], 0)
            if !scores.isEmpty {
                let candidates = votes.indices.filter { votes[$0] == top }
                let ranked = candidates.sorted { scores[$0] > scores[$1] }
                // Letters that barely lean say nothing either.
                if scores[ranked[0]] >= LanguageModel.noLanguage, ranked.count < 2
                    || (scores[ranked[0]] - scores[ranked[1]]) * Float(trigrams) >= LanguageModel.closeCall { language = ranked.first }
                trace?("letters: \(zip(lexicon.languages, scores).map { "\($0)=\($1)" }.joined(separator: " ")) over \(trigrams) trigrams")
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
            return (Command(intent: .menu, language: language.map { lexicon.languages[$0] }, choice: choice), false)
        }
        var (command, several) = decide(hits, language: language, personal: expandedInfos.contains { $0.personal })
        command.language = language.map { lexicon.languages[$0] }
        if command.intent == .unknown { command.suggestion = suggest(expandedWords, language: language) }
        return (command, several)
    }

    /// "opcion 4", "el 3", "choix 2 svp", "option seven": one number (one or two digits, or a number word), a word
    /// that makes it a choice, and nothing else but common words.
    private func numberedChoice(_ words: [Substring], _ hits: [Hit]) -> Int? {
        guard words.count <= 7 else { return nil }  // "le 4 stp" is "le 4 s il te plait"
        let marked = Set(hits.filter { $0.target == .choice }.flatMap { $0.position..<($0.position + $0.span) })
        guard !marked.isEmpty else { return nil }
        var number: Int?
        for (i, word) in words.enumerated() where !marked.contains(i) {
            if let value = word.utf8.count <= 2 && word.allSatisfy(\.isASCIIDigit) ? Int(word) : lexicon.numbers[String(word)] {
                guard number == nil else { return nil }
                number = value
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
            // Word by word, the longest phrase that starts there (the trie of its first letter, or a phrase with a
            // `*` inside); a phrase found covers its words, and the search goes on after it.
            var found: [(PCRE2Pattern.Match, Int)] = []
            guard let data = PCRE2Pattern.reusableMatchData() else { return }
            defer { PCRE2Pattern.freeMatchData(data) }
            var i = 0
            while i < starts.count {
                let at = starts[i] - 1  // the space before the word
                let index = lexicon.patternForByte[Int(padded[starts[i]])]
                var best = index < 0 ? nil : lexicon.patterns[index].match(in: padded, at: at, data: data)
                if let loose = lexicon.loose?.match(in: padded, at: at, data: data), loose.end > best?.end ?? -1 { best = loose }
                guard let match = best else { i += 1; continue }
                found.append((match, match.start + 1))
                while i < starts.count, starts[i] < match.end { i += 1 }
            }
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
                if Target.notGuessed.contains(meaning.target) { continue }
                // Place names need 5+ letters to be guessed from a typo.
                if case .place = meaning.target, query.utf8.count < 5 { continue }
                hits.append(Hit(target: meaning.target, language: meaning.language, position: position, fuzzy: true, votes: true))
                added = true
            }
        }
        return added
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
