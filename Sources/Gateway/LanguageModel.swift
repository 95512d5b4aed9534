import Foundation
import Content

/// Character trigrams per language, learned from the catalog's own texts (replies, places, keywords…), so a new
/// language brings its model with its content files. Used when the words alone do not settle the language
/// ("la bestia passe par celaya": no keyword says French, but "pas", "sse", "par" do).
struct LanguageModel: Sendable {
    static let buckets = 1 << 14
    /// Languages whose letters' total log-probabilities are closer than this (in nats) tell nothing: a short text
    /// that barely leans ("numero de la cndh": 3 trigrams of its own, 0.06) is no evidence, however its mean leans
    /// (a mean threshold flipped such texts whenever a content edit moved the tables). Chosen on all labelled data.
    static let closeCall: Float = 0.15
    /// Letters that fit no language this well (keyboard mashing: "kjdhf ksjd", about -10 per trigram, where words of
    /// a language score -7 to -8) tell nothing either.
    static let noLanguage: Float = -9
    /// Log-probability per hashed trigram, one table per language (same order as the lexicon's languages).
    private var tables: [[Float]] = []

    init(catalog: Catalog, languages: [String]) {
        for code in languages {
            var counts = [Float](repeating: 0, count: Self.buckets)
            var total: Float = 0
            Self.forEachTrigram(of: Self.corpus(catalog, code)) { counts[$0] += 1; total += 1 }
            let smoothing = Float(Self.buckets)
            tables.append(counts.map { logf(($0 + 1) / (total + smoothing)) })
        }
    }

    /// Every text the content has in a language, normalized.
    static func corpus(_ catalog: Catalog, _ code: String) -> String {
        var texts: [String] = []
        if let pack = catalog.languages[code] {
            texts += pack.detect + Array(pack.ui.values) + pack.keywords.values.flatMap { $0.map(\.text) }
        }
        texts += catalog.replies.values.flatMap { $0.pages[code] ?? [] }
        texts += catalog.places.values.flatMap { $0.dangers[code] ?? [] }
        texts += catalog.routes.values.flatMap { $0.text[code] ?? [] }
        return texts.map(Normalizer.normalize).joined(separator: " ")
    }

    /// Mean log-probability per trigram of `words`, per language (higher is likelier), and the number of trigrams;
    /// empty when there is nothing to score.
    func scores(_ words: [Substring]) -> (means: [Float], trigrams: Int) {
        guard !tables.isEmpty else { return ([], 0) }
        var scores = [Float](repeating: 0, count: tables.count)
        var count = 0
        for word in words where word.utf8.count >= 2 {
            Self.forEachTrigram(of: word) { bucket in
                count += 1
                for i in scores.indices { scores[i] += tables[i][bucket] }
            }
        }
        return count > 0 ? (scores.map { $0 / Float(count) }, count) : ([], 0)
    }

    /// Hashed trigrams of each word padded with spaces (" la", "la ").
    static func forEachTrigram<S: StringProtocol>(of text: S, _ body: (Int) -> Void) {
        var a: UInt8 = 0x20, b: UInt8 = 0x20
        for c in text.utf8 + [0x20] {
            if !(c == 0x20 && b == 0x20) {
                let h = (UInt32(a) &* 65_599 &+ UInt32(b)) &* 65_599 &+ UInt32(c)
                body(Int(h % UInt32(buckets)))
            }
            (a, b) = c == 0x20 ? (0x20, 0x20) : (b, c)
        }
    }
}
