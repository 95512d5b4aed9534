@testable import Gateway
import Testing

@Suite struct MemoTests {
    /// The memo gives what understanding the text gives, for every kind of text, whether remembered or not.
    @Test func rememberedCommandsAreTheCommandsUnderstood() {
        let gateway = Fixtures.engine.gateway
        let texts = ["AYUDA", "peligors tijuan", "2", "MAS", "SOS", "j'ai besoin d'un médecin", "¿dónde hay grupo beta?",
                     "asdfgh", "", "necesito doctor? y tambien saber mis derechos",
                     String(repeating: "albergue en tapachula ", count: 5)]
        for _ in 0..<2 {  // first from scratch, then from the memo
            for text in texts {
                #expect(gateway.understand(text) == gateway.understand(text, trace: nil), "\(text)")
            }
        }
    }

    @Test func keepsOnlyShortTextsAndAtMostTwoGenerations() {
        let memo = Memo(capacity: 3)
        var calls = 0
        let understanding = { (text: String) -> Command in calls += 1; return Command(intent: .menu, topic: text) }
        #expect(memo.command(for: "AYUDA", understanding: understanding).topic == "AYUDA")
        #expect(memo.command(for: "AYUDA", understanding: understanding).topic == "AYUDA")
        #expect(calls == 1)

        let long = String(repeating: "x", count: Memo.longestText + 1)
        _ = memo.command(for: long, understanding: understanding)
        _ = memo.command(for: long, understanding: understanding)
        #expect(calls == 3)
        #expect(memo.count == 1)

        for i in 0..<20 { _ = memo.command(for: "text \(i)", understanding: understanding) }
        #expect(memo.count <= 6)
    }

    /// A text in use survives a flood of distinct ones: each hit carries it into the newer generation.
    @Test func aTextInUseStays() {
        let memo = Memo(capacity: 4)
        var calls = 0
        let understanding = { (text: String) -> Command in calls += 1; return Command(intent: .unknown) }
        _ = memo.command(for: "SOS", understanding: understanding)
        for i in 0..<100 {
            _ = memo.command(for: "junk \(i)", understanding: understanding)
            _ = memo.command(for: "SOS", understanding: understanding)
        }
        #expect(calls == 101)
    }
}
