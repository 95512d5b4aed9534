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

    static let rows: [Row] = readCSV(path: Fixtures.path("corpus.csv")).map { line, v in
        Row(line: line, lang: v["lang"] ?? "", text: v["text"] ?? "", intent: v["intent"] ?? "",
            topic: v["topic"] ?? "", place: v["place"] ?? "", route: v["route"] ?? "")
    }

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

    /// Accuracy per language; the goal is 97% on realistic messages.
    @Test(arguments: ["es", "fr", "en"])
    func accuracy(language: String) {
        let rows = Self.rows.filter { $0.lang == language }
        let failures = rows.compactMap(Self.mismatch)
        let accuracy = Double(rows.count - failures.count) / Double(max(1, rows.count))
        print(String(format: "corpus %@: %d/%d right (%.1f%%)", language, rows.count - failures.count, rows.count, accuracy * 100))
        for failure in failures { print("  " + failure) }
        #expect(accuracy >= 0.97, "\(failures.count) of \(rows.count) \(language) messages misunderstood")
    }
}
