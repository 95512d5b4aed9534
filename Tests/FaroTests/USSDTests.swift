import Conversation
import Testing

@Suite struct USSDTests {
    var navigator: USSDNavigator {
        USSDNavigator(catalog: Fixtures.engine.catalog, rendered: Fixtures.engine.conversation.rendered)
    }

    @Test(arguments: [[], ["1"], ["2"], ["2", "1"], ["2", "1", "98"], ["2", "1", "98", "98", "98"], ["3", "2"],
                      ["2", "0"], ["2", "1", "00"], ["9"], ["abc"], ["8", "2", "2"]])
    func everyScreenFitsAndIsRepeatable(path: [String]) {
        let first = navigator.screen(path: path, language: "es")
        #expect(first.text.count <= USSDNavigator.screenLimit)
        #expect(!first.text.isEmpty)
        #expect(navigator.screen(path: path, language: "es") == first, "a retried request must give the same screen")
    }

    @Test func homeBackAndPaging() {
        let home = navigator.screen(path: [], language: "es")
        #expect(home.text.contains("1 SOS"))
        #expect(navigator.screen(path: ["2", "0"], language: "es") == home)
        #expect(navigator.screen(path: ["2", "1", "00"], language: "es") == home)
        let rights = navigator.screen(path: ["2"], language: "es")
        #expect(rights.text.contains("ASILO") && rights.intent == .rights)
        let asylum = navigator.screen(path: ["2", "1"], language: "es")
        #expect(asylum.intent == .rights && asylum.topic == "asylum")
        #expect(asylum.text.contains("98"), "long topics offer 98 for more")
        let next = navigator.screen(path: ["2", "1", "98"], language: "es")
        #expect(next.text != asylum.text)
        // Unknown input shows the same screen again.
        #expect(navigator.screen(path: ["2", "x"], language: "es") == rights)
    }

    @Test func languageChoiceSwitchesTheMenus() {
        let french = navigator.screen(path: ["8", "2"], language: "es")
        #expect(french.text.contains("DROITS"))
        #expect(navigator.screen(path: [], language: "en").text.contains("RIGHTS"))
    }
}
