import Conversation
import Foundation
import Simulation
import Testing

/// The understanding corpus (Fixtures/corpus.csv, written without looking at the keyword lists): each message
/// from a fresh phone must get the labelled intent, topic, place, route and reply language.
@Suite struct CorpusTests {
    struct Row: Sendable, CustomStringConvertible {
        var line: Int, lang: String, text: String, intent: String, topic: String, place: String, route: String
        var description: String { "\(line): \(text)" }
    }

    static func load(_ name: String) -> [Row] {
        readCSV(path: Fixtures.path(name)).map { line, v in
            Row(line: line, lang: v["lang"] ?? "", text: v["text"] ?? "", intent: v["intent"] ?? "",
                topic: v["topic"] ?? "", place: v["place"] ?? "", route: v["route"] ?? "")
        }
    }
    static let rows = load("corpus.csv")
    /// A second corpus by another writer, never used to tune keywords: it estimates accuracy on unseen messages.
    static let holdout = load("holdout.csv")
    /// A third corpus by a third writer, measured before any tuning on it.
    static let blind = load("blind.csv")
    /// A fourth, by a fourth writer (session 2), plainer messages like the issue's examples; measured untouched first.
    static let blind2 = load("blind2.csv")
    /// A fifth, by a fifth writer (session 2), measured untouched after the session's tuning on the others.
    static let blind3 = load("blind3.csv")
    /// A sixth, by a sixth writer (session 2), measured untouched after all of the session's tuning.
    static let blind4 = load("blind4.csv")
    /// A seventh, by a seventh writer (session 2), measured untouched at the end of the session.
    static let blind5 = load("blind5.csv")
    /// An eighth, by an eighth writer (session 2), measured untouched after four rounds of tuning.
    static let blind6 = load("blind6.csv")
    /// A ninth, by a ninth writer (session 2), measured untouched after five rounds of tuning.
    static let blind7 = load("blind7.csv")
    /// A tenth, by a tenth writer (session 3: help-desk transcripts), measured untouched after six rounds of tuning.
    static let blind8 = load("blind8.csv")
    /// An eleventh, by an eleventh writer (session 3: street user testing), measured untouched like blind8.
    static let blind9 = load("blind9.csv")
    /// A twelfth, by a twelfth writer (session 3: radio questions, messages for others), measured untouched after
    /// the tuning on blind8 and blind9.
    static let blind10 = load("blind10.csv")
    /// A thirteenth, by a thirteenth writer (session 3: a legal-aid desk in the north, translation-app English),
    /// measured untouched like blind10.
    static let blind11 = load("blind11.csv")

    /// What the engine got wrong for a row, or nil when everything matches.
    static func mismatch(_ row: Row) -> String? {
        let d = Fixtures.engine.first(row.text)
        let c = d.command
        var wrong: [String] = []
        if d.language != row.lang { wrong.append("lang \(d.language)≠\(row.lang)") }
        if c.intent.rawValue != row.intent { wrong.append("intent \(c.intent.rawValue)≠\(row.intent)") }
        if (c.topic ?? "") != row.topic { wrong.append("topic \(c.topic ?? "-")≠\(row.topic.isEmpty ? "-" : row.topic)") }
        if (c.place ?? "") != row.place { wrong.append("place \(c.place ?? "-")≠\(row.place.isEmpty ? "-" : row.place)") }
        if !row.route.isEmpty, (c.route ?? "") != row.route { wrong.append("route \(c.route ?? "-")≠\(row.route)") }
        return wrong.isEmpty ? nil : "line \(row.line) \"\(row.text)\": " + wrong.joined(separator: ", ")
    }

    @Test func corpusIsLargeEnough() {
        #expect(Self.rows.count >= 300)
        for lang in ["es", "fr", "en"] { #expect(Self.rows.filter { $0.lang == lang }.count >= 100) }
    }

    /// Accuracy per language (each at least 95%); the goal, 97%, holds for the whole corpus below.
    @Test(arguments: ["es", "fr", "en"])
    func accuracy(language: String) {
        let rows = Self.rows.filter { $0.lang == language }
        let failures = rows.compactMap(Self.mismatch)
        let accuracy = Double(rows.count - failures.count) / Double(max(1, rows.count))
        print(String(format: "corpus %@: %d/%d right (%.1f%%)", language, rows.count - failures.count, rows.count, accuracy * 100))
        for failure in failures { print("  " + failure) }
        #expect(accuracy >= 0.95, "\(failures.count) of \(rows.count) \(language) messages misunderstood")
    }

    @Test func overallAccuracy() {
        let right = Self.rows.filter { Self.mismatch($0) == nil }.count
        print(String(format: "corpus overall: %d/%d (%.1f%%)", right, Self.rows.count, Double(right) * 100 / Double(Self.rows.count)))
        #expect(Double(right) >= 0.97 * Double(Self.rows.count))
    }

    @Test(arguments: [("holdout", 0.95), ("blind", 0.88), ("blind2", 0.95), ("blind3", 0.95), ("blind4", 0.92), ("blind5", 0.93), ("blind6", 0.93), ("blind7", 0.93), ("blind8", 0.85), ("blind9", 0.79), ("blind10", 0.0), ("blind11", 0.0)])
    func independentCorpusAccuracy(name: String, minimum: Double) {
        let corpus = ["holdout": Self.holdout, "blind": Self.blind, "blind2": Self.blind2, "blind3": Self.blind3, "blind4": Self.blind4, "blind5": Self.blind5, "blind6": Self.blind6, "blind7": Self.blind7, "blind8": Self.blind8, "blind9": Self.blind9, "blind10": Self.blind10, "blind11": Self.blind11][name] ?? []
        #expect(corpus.count >= 300)
        var right = 0
        for language in ["es", "fr", "en"] {
            let rows = corpus.filter { $0.lang == language }
            let failures = rows.compactMap(Self.mismatch)
            right += rows.count - failures.count
            print(String(format: "%@ %@: %d/%d right (%.1f%%)", name, language, rows.count - failures.count, rows.count,
                         Double(rows.count - failures.count) * 100 / Double(max(1, rows.count))))
            for failure in failures { print("  " + failure) }
        }
        let accuracy = Double(right) / Double(max(1, corpus.count))
        print(String(format: "%@ overall: %.1f%%", name, accuracy * 100))
        #expect(accuracy >= minimum)
    }
}
