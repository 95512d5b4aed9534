import Content
import Conversation
import Foundation
import Testing
import Yams

/// A fourth language (Haitian Creole, the likeliest next) added with content files only: the shipped content plus
/// `languages/ht.yaml` and an `ht:` text for every reply, place and route, in files of their own.
@Suite struct LanguageFixtureTests {
    /// Copies messages/ to a temporary folder and adds the fixture language with marked texts.
    static func contentWithCreole() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faro-ht-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: Fixtures.messages, toPath: dir.path)
        try FileManager.default.copyItem(atPath: Fixtures.path("language-ht/languages/ht.yaml"),
                                         toPath: dir.appendingPathComponent("languages/ht.yaml").path)
        let catalog = try #require(Fixtures.loaded.engine?.catalog)
        func text(_ id: String) -> String { "[HT] \(id)" }
        var replies: [String: [String: String]] = [:]
        for id in catalog.replies.keys { replies[id] = ["ht": text(id)] }
        let places = catalog.places.keys.sorted().map { ["slug": $0, "dangers": ["ht": text($0) + " {help}"]] as [String: Any] }
        let routes = catalog.routes.keys.sorted().map { ["slug": $0, "name": ["ht": "Wout \($0)"], "text": ["ht": text($0)]] as [String: Any] }
        try Yams.dump(object: replies).write(to: dir.appendingPathComponent("replies/ht.yaml"), atomically: true, encoding: .utf8)
        try Yams.dump(object: places).write(to: dir.appendingPathComponent("places.ht.yaml"), atomically: true, encoding: .utf8)
        try Yams.dump(object: routes).write(to: dir.appendingPathComponent("routes.ht.yaml"), atomically: true, encoding: .utf8)
        return dir.path
    }

    @Test func creoleNeedsOnlyContentFiles() throws {
        let dir = try Self.contentWithCreole()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let issues = ContentLint.check(directory: dir, today: Date())
        #expect(issues.filter { $0.severity == .error }.isEmpty, "\(issues.filter { $0.severity == .error })")
        let engine = try #require(Engine.load(directory: dir).engine)
        #expect(engine.catalog.languageCodes.contains("ht"))

        let rights = engine.first("mwen bezwen konnen dwa mwen")
        #expect(rights.language == "ht")
        #expect(rights.command.intent == .rights)
        #expect(rights.reply.text.hasPrefix("[HT] rights"))

        let danger = engine.first("ki danje ki genyen nan tapachula tanpri")
        #expect(danger.language == "ht" && danger.command.place == "tapachula")
        #expect(danger.reply.text.hasPrefix("[HT] tapachula"))

        // Switching to the new language by its name, then a menu number, stays in Creole.
        let chat = engine.conversation(["kreyol", "2"])
        #expect(chat[0].command.intent == .language && chat[0].command.topic == "ht")
        #expect(chat[1].language == "ht")
        // The other languages still work.
        #expect(engine.first("PELIGROS TENOSIQUE").language == "es")
    }
}
