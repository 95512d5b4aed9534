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
    /// Corpora by other writers who never saw the code or the keywords, each scored before any tuning on it
    /// (the untouched figures are in the session notes): holdout (session 1), blind (session 1), blind2–7
    /// (session 2), blind8 (help-desk transcripts), blind9 (street user testing), blind10 (radio questions,
    /// messages for others), blind11 (legal-aid desk, translation-app English) — session 3. The floor of each is
    /// its accuracy after tuning, less a margin: a change that loses ground on any of them fails here.
    static let floors: [(String, Double)] = [
        ("holdout", 0.95), ("blind", 0.88), ("blind2", 0.95), ("blind3", 0.95), ("blind4", 0.92), ("blind5", 0.93),
        ("blind6", 0.93), ("blind7", 0.93), ("blind8", 0.93), ("blind9", 0.93), ("blind10", 0.90), ("blind11", 0.93), ("blind12", 0.93), ("blind13", 0.87), ("blind14", 0.89), ("blind15", 0.92), ("blind16", 0.95), ("blind17", 0.93), ("blind18", 0.96), ("blind19", 0.95), ("blind20", 0.95), ("blind21", 0.96), ("blind22", 0.97), ("blind23", 0.96), ("blind24", 0.97), ("blind25", 0.97), ("blind26", 0.98), ("blind27", 0.96), ("blind28", 0.97), ("blind29", 0.94), ("blind30", 0.97), ("blind31", 0.97), ("blind32", 0.96), ("blind33", 0.97), ("blind34", 0.98), ("blind35", 0.97), ("blind36", 0.98), ("blind37", 0.97), ("blind38", 0.97), ("blind39", 0.98), ("blind40", 0.97), ("blind41", 0.97), ("blind42", 0.98), ("blind43", 0.97), ("blind44", 0.98), ("blind45", 0.98), ("blind46", 0.98), ("blind47", 0.98), ("blind48", 0.98), ("blind49", 0.96), ("blind50", 0.97), ("blind51", 0.97), ("blind52", 0.94), ("blind53", 0.95), ("blind54", 0.98), ("blind55", 0.96), ("blind56", 0.98), ("blind57", 0.97), ("blind58", 0.97), ("blind59", 0.98), ("blind60", 0.96), ("blind61", 0.97), ("blind62", 0.97), ("blind63", 0.97), ("blind64", 0.98), ("blind65", 0.97), ("blind66", 0.98), ("blind67", 0.98), ("blind68", 0.97), ("blind69", 0.97), ("blind70", 0.97), ("blind71", 0.98), ("blind72", 0.97), ("blind73", 0.98), ("blind74", 0.98), ("blind75", 0.97), ("blind76", 0.90), ("blind77", 0.98), ("blind78", 0.97), ("blind79", 0.96), ("blind80", 0.96), ("blind81", 0.98), ("blind82", 0.96), ("blind83", 0.98), ("blind84", 0.97), ("blind85", 0.98), ("blind86", 0.97), ("blind87", 0.97), ("blind88", 0.98), ("blind89", 0.98), ("blind90", 0.97), ("blind91", 0.95), ("blind92", 0.97), ("blind93", 0.96), ("blind94", 0.97), ("blind95", 0.96), ("blind96", 0.97), ("blind97", 0.96), ("blind98", 0.96), ("blind99", 0.98), ("blind100", 0.97), ("blind101", 0.97), ("blind102", 0.96), ("blind103", 0.98), ("blind104", 0.97), ("blind105", 0.98), ("blind106", 0.98), ("blind107", 0.98), ("blind108", 0.97), ("blind109", 0.96), ("blind110", 0.98), ("blind111", 0.98), ("blind112", 0.98), ("blind113", 0.97), ("blind114", 0.96), ("blind115", 0.97), ("blind116", 0.97), ("blind117", 0.93), ("blind118", 0.96), ("blind119", 0.98), ("blind120", 0.97), ("blind121", 0.96), ("blind122", 0.97), ("blind123", 0.97), ("blind124", 0.96), ("blind125", 0.95), ("blind126", 0.96), ("blind127", 0.98), ("blind128", 0.97), ("blind129", 0.97), ("blind130", 0.96), ("blind131", 0.95), ("blind132", 0.96), ("blind133", 0.97), ("blind134", 0.95), ("blind135", 0.95), ("blind136", 0.94), ("blind137", 0.93), ("blind138", 0.95), ("blind139", 0.93), ("blind140", 0.87), ("blind141", 0.96), ("blind142", 0.93), ("blind143", 0.94), ("blind144", 0.92), ("blind145", 0.98), ("blind146", 0.93), ("blind147", 0.92), ("blind148", 0.95), ("blind149", 0.93), ("blind150", 0.95), ("blind151", 0.94), ("blind152", 0.97), ("blind153", 0.95), ("blind154", 0.94), ("blind155", 0.94), ("blind156", 0.94), ("blind157", 0.93), ("blind158", 0.95), ("blind159", 0.98), ("blind160", 0.98), ("blind161", 0.96), ("blind162", 0.86), ("blind163", 0.94), ("blind164", 0.95), ("blind165", 0.91), ("blind166", 0.96), ("blind167", 0.95), ("blind168", 0.93), ("blind169", 0.94), ("blind170", 0.94), ("blind171", 0.95), ("blind172", 0.95), ("blind173", 0.96), ("blind174", 0.96), ("blind175", 0.96), ("blind176", 0.93), ("blind177", 0.97), ("blind178", 0.96), ("blind179", 0.96), ("blind180", 0.95), ("blind181", 0.95), ("blind182", 0.96), ("blind183", 0.96), ("blind184", 0.93), ("blind185", 0.97), ("blind186", 0.97), ("blind187", 0.96), ("blind188", 0.95), ("blind189", 0.94), ("blind190", 0.97), ("blind191", 0.96), ("blind192", 0.94), ("blind193", 0.94), ("blind194", 0.96), ("blind195", 0.96), ("blind196", 0.96), ("blind197", 0.94), ("blind198", 0.96), ("blind199", 0.96), ("blind200", 0.97), ("blind201", 0.96), ("blind202", 0.97), ("blind203", 0.96), ("blind204", 0.96), ("blind205", 0.96), ("blind206", 0.97), ("blind207", 0.97), ("blind208", 0.96), ("blind209", 0.97), ("blind210", 0.96), ("blind211", 0.97), ("blind212", 0.97), ("blind213", 0.96), ("blind214", 0.98), ("blind215", 0.97), ("blind216", 0.97), ("blind217", 0.95), ("blind218", 0.96), ("blind219", 0.96), ("blind220", 0.97), ("blind221", 0.97), ("blind222", 0.96), ("blind223", 0.97), ("blind224", 0.98), ("blind225", 0.96), ("blind226", 0.96), ("blind227", 0.95), ("blind228", 0.96), ("blind229", 0.96), ("blind230", 0.97), ("blind231", 0.97), ("blind232", 0.96), ("blind233", 0.98), ("blind234", 0.96), ("blind235", 0.97), ("blind236", 0.98), ("blind237", 0.96), ("blind238", 0.97), ("blind239", 0.97), ("blind240", 0.96), ("blind241", 0.97), ("blind242", 0.97), ("blind243", 0.96), ("blind244", 0.96), ("blind245", 0.96), ("blind246", 0.96), ("blind247", 0.97), ("blind248", 0.97), ("blind249", 0.97), ("blind250", 0.97), ("blind251", 0.96), ("blind252", 0.97), ("blind253", 0.97), ("blind254", 0.97),
    ]

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

    @Test(arguments: floors)
    func independentCorpusAccuracy(name: String, minimum: Double) {
        let corpus = Self.load("\(name).csv")
        #expect(corpus.count >= 300)
        var right = 0
        for language in ["es", "fr", "en"] {
            let rows = corpus.filter { $0.lang == language }
            let failures = rows.compactMap(Self.mismatch)
            right += rows.count - failures.count
            print(String(format: "%@ %@: %d/%d right (%.1f%%)", name, language, rows.count - failures.count, rows.count,
                         Double(rows.count - failures.count) * 100 / Double(max(1, rows.count))))
            for failure in failures { print("  \(name) " + failure) }
        }
        let accuracy = Double(right) / Double(max(1, corpus.count))
        print(String(format: "%@ overall: %.1f%%", name, accuracy * 100))
        #expect(accuracy >= minimum)
    }
}
