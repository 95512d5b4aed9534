import Conversation
import Foundation
import Testing

/// Golden transcripts: whole conversations as a phone sees them. Each `transcripts/NAME.in` (one message per
/// line) is replayed from a fresh phone and compared with `NAME.golden`. After a deliberate content or behaviour
/// change, re-record with `RECORD=1 swift test --filter TranscriptTests` and review the diff.
@Suite struct TranscriptTests {
    static let folder = Fixtures.path("transcripts")
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".in") }.map { String($0.dropLast(3)) }.sorted()

    static func transcript(_ messages: [String]) -> String {
        Fixtures.engine.conversation(messages).enumerated().map { i, d in
            let c = d.command
            let about = [c.intent.rawValue, c.topic, c.place, c.route.map { "route \($0)" }, d.language,
                         d.reply.encoding, "\(d.reply.segments) SMS"].compactMap { $0 }.joined(separator: " · ")
            let effects = d.effects.isEmpty ? "" : "\n  effects: \(d.effects)"
            return "> \(messages[i])\n" + d.reply.text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "< \($0)" }.joined(separator: "\n") + "\n  [\(about)]" + effects
        }.joined(separator: "\n\n") + "\n"
    }

    @Test func thereAreTranscripts() { #expect(Self.names.count >= 6) }

    @Test(arguments: names)
    func matchesGolden(name: String) throws {
        let input = try String(contentsOfFile: "\(Self.folder)/\(name).in", encoding: .utf8)
        let messages = input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.hasPrefix("#") }
            .dropLast(input.hasSuffix("\n") ? 1 : 0)
        let actual = Self.transcript(Array(messages))
        let goldenPath = "\(Self.folder)/\(name).golden"
        if ProcessInfo.processInfo.environment["RECORD"] == "1" {
            try actual.write(toFile: goldenPath, atomically: true, encoding: .utf8)
            return
        }
        let golden = try? String(contentsOfFile: goldenPath, encoding: .utf8)
        #expect(golden != nil, "no \(name).golden: record it with RECORD=1")
        #expect(actual == golden, "\(name) differs from its golden transcript; re-record with RECORD=1 if intended")
    }
}
