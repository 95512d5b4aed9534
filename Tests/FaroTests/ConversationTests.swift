import Content
import Conversation
import Foundation
import Gateway
import Simulation
import Testing

@Suite struct ConversationTests {
    /// Fixtures/conversations.csv: multi-message conversations with expectations, replayed like `simulator replay`.
    @Test func scenarioFileHolds() {
        let replay = Replay(engine: Fixtures.engine, epoch: Fixtures.noon)
        var failures: [String] = []
        var count = 0
        for item in TrafficReader(path: Fixtures.path("conversations.csv")) {
            guard case .message(let message) = item else { Issue.record("bad row: \(item)"); continue }
            let result = replay.run(message)
            count += 1
            if result.ok == false { failures.append("line \(message.line) \"\(message.text)\": " + result.failures.joined(separator: "; ")) }
        }
        print("conversations: \(count - failures.count)/\(count) messages as expected")
        for failure in failures { print("  " + failure) }
        #expect(count >= 60)
        #expect(Double(failures.count) <= Double(count) * 0.03, "\(failures.count) conversation steps failed")
    }

    @Test func numberedMenuSelectsOption() throws {
        let engine = Fixtures.engine
        let main = try #require(engine.catalog.menus["main"])
        let d = engine.conversation(["menu", "2"])
        #expect(d[0].command.intent == .menu)
        #expect(d[1].command.intent.rawValue == main[1].split(separator: ".").first.map(String.init))
    }

    @Test func rightsSubmenuAndBack() {
        let d = Fixtures.engine.conversation(["DERECHOS", "1", "0"])
        #expect(d[0].command.intent == .rights && d[0].command.topic == nil)
        #expect(d[1].command.intent == .rights && d[1].command.topic == "asylum")
        #expect(d[2].command.intent == .menu)
    }

    @Test func followUpPlaceAnswersPreviousQuestion() {
        let d = Fixtures.engine.conversation(["albergue", "ixtepec"])
        #expect(d[1].command.intent == .shelter && d[1].command.place == "ixtepec")
        let e = Fixtures.engine.conversation(["peligros", "nogales"])
        #expect(e[1].command.intent == .dangers && e[1].command.place == "nogales")
        // After a rights answer, a place asks where to go there: the place's help, the question kept.
        let f = Fixtures.engine.conversation(["je veux demander l asile ou aller", "tapachula"])
        #expect(f[1].command.intent == .rights && f[1].command.topic == "asylum" && f[1].command.place == "tapachula")
        #expect(f[1].reply.text.contains("COMAR") && f[1].reply.text != f[0].reply.text)
        // A second emergency message keeps where the first one was, for the staff who get the escalation.
        let g = Fixtures.engine.conversation(["secuestraron a mi hermano en matamoros", "todavia lo tienen ahorita que hago"])
        #expect(g[1].command.intent == .emergency && g[1].command.place == "matamoros")
        #expect(g[1].effects.contains(.escalate(place: "matamoros", language: "es")))
        // Details with no request of their own, after an emergency, are more of it.
        let h = Fixtures.engine.conversation(["ayuda nos tienen encerrados en una casa en reynosa", "somos 4 y un niño porfavor rapido"])
        #expect(h[1].command.intent == .emergency && h[1].command.place == "reynosa")
        let whereNow = Fixtures.engine.conversation(["ayuda nos quieren secuestrar", "estamos cerca de la central de autobuses de reynosa"])
        #expect(whereNow[1].command.intent == .emergency && whereNow[1].command.place == "reynosa")
    }

    /// A place after a way question asks the way from or to there; "y …?" keeps the last question's place.
    @Test func followUpsKeepTheQuestionOrThePlace() {
        let way = Fixtures.engine.conversation(["como llego a queretaro desde aqui", "y celaya?"])
        #expect(way[1].command.intent == .route && way[1].command.place == "celaya")
        let shelters = Fixtures.engine.conversation(["peligros en el DF", "y albergues?"])
        #expect(shelters[1].command.intent == .shelter && shelters[1].command.place == "ciudad-de-mexico")
        let there = Fixtures.engine.conversation(["piedras negras", "is it safe to cross the river there"])
        #expect(there[1].command.place == "piedras-negras")
        // The same question again keeps the place; "is it free?" asks about the last answer; a place after an
        // emergency says where it is happening.
        let again = Fixtures.engine.conversation(["albergue en juarez", "aceptan mujeres con niños?"])
        #expect(again[1].command.intent == .shelter && again[1].command.place == "ciudad-juarez")
        let free = Fixtures.engine.conversation(["medecin a tapachula", "c gratuit?"])
        #expect(free[1].command.intent == .medical && free[1].command.place == "tapachula")
        let whereItIs = Fixtures.engine.conversation(["aidez nous on nous attaque", "on est pres de irapuato"])
        #expect(whereItIs[1].command.intent == .emergency && whereItIs[1].command.place == "irapuato")
        // "one for …" asks for another of the same: "kids" says who it is for, not children's rights.
        let another = Fixtures.engine.conversation(["where can i sleep in mexicali", "one for women with kids?"])
        #expect(another[1].command.intent == .shelter && another[1].command.place == "mexicali")
        let alone = Fixtures.engine.conversation(["one for women with kids?"])
        #expect(alone[0].command.intent == .rights)
        // Alerts ask for a route only while their question is open.
        #expect(Fixtures.engine.conversation(["alertas ruta del golfo", "matamoros"])[1].command.intent == .dangers)
        #expect(Fixtures.engine.conversation(["alertas", "matamoros"])[1].command.intent == .subscribe)
        // Without the continuing word, a new question is not tied to the last place.
        let doctor = Fixtures.engine.conversation(["peligros en el DF", "necesito un doctor"])
        #expect(doctor[1].command.intent == .medical && doctor[1].command.place == nil)
        // Number words pick from a menu after a choice word.
        #expect(Fixtures.engine.conversation(["menu", "opcion cuatro"])[1].command.intent == .shelter)
    }

    @Test func followUpsExpire() {
        var state = SubscriberState()
        state = Fixtures.engine.handle(text: "albergue", state: state, now: Fixtures.noon).state
        // Within two hours (waiting for signal or credit) the place still answers the question; after, it is new.
        let soon = Fixtures.engine.handle(text: "ixtepec", state: state, now: Fixtures.noon + 50 * 60)
        #expect(soon.command.intent == .shelter)
        let later = Fixtures.engine.handle(text: "ixtepec", state: state, now: Fixtures.noon + 3 * 3600)
        #expect(later.command.intent == .dangers)
    }

    @Test func languageIsRemembered() {
        let d = Fixtures.engine.conversation(["FR", "1", "SOS"])
        #expect(d.map(\.language) == ["fr", "fr", "fr"])
        #expect(d[0].command.intent == .language)
    }

    @Test func emergencyEscalates() {
        let d = Fixtures.engine.first("auxilio nos tienen encerrados en reynosa")
        #expect(d.command.intent == .emergency)
        #expect(d.reply.text.contains("911"))
        #expect(d.effects == [.escalate(place: "reynosa", language: "es")])
    }

    @Test func stopAndStart() {
        let d = Fixtures.engine.conversation(["ALERTAS GOLFO", "STOP", "START"])
        #expect(d[0].effects == [.subscribe(route: "golfo")])
        #expect(d[0].state.routes == ["golfo"])
        #expect(d[1].command.intent == .stop && d[1].state.optedOut && d[1].state.routes.isEmpty)
        #expect(d[1].effects == [.unsubscribeAll])
        #expect(d[2].command.intent == .start && !d[2].state.optedOut)
    }

    @Test func moreGivesNextPageThenSaysNoMore() {
        let engine = Fixtures.engine
        // Find a reply with several pages in Spanish.
        guard let key = engine.conversation.rendered.keys.first(where: { ($0 == "rights.asylum" || $0.hasPrefix("dangers@")) && (engine.conversation.rendered.pages($0, "es")?.count ?? 0) > 1 }) else { return }
        let pages = engine.conversation.rendered.pages(key, "es")!
        var state = SubscriberState(language: "es", last: .init(key: key, page: 0, intent: .dangers, topic: nil, place: nil, route: nil), lastAt: Fixtures.noon)
        for i in 1..<pages.count {
            let d = engine.handle(text: "MAS", state: state, now: Fixtures.noon + 10)
            #expect(d.reply.text == pages[i].text)
            state = d.state
        }
        let end = engine.handle(text: "mas", state: state, now: Fixtures.noon + 20)
        #expect(end.reply.text == engine.conversation.rendered.pages("ui.no_more", "es")?.first?.text)
    }

    @Test func unknownSuggestsClosestKeyword() {
        let d = Fixtures.engine.first("peligrozzzo")
        #expect(d.command.intent == .unknown || d.command.intent == .dangers)
        let junk = Fixtures.engine.first("jajaja")
        #expect(junk.command.intent == .unknown)
        #expect(!junk.reply.text.isEmpty)
    }

    /// An emergency understood as a question still sees 911 first: every answer but housekeeping (stop, start,
    /// language, alerts) names it on its first page, unless the line would cost one more SMS there.
    @Test func firstPagesNameTheEmergencyNumber() throws {
        let rendered = Fixtures.engine.conversation.rendered
        let housekeeping = ["ui.stopped", "ui.started", "ui.language_set", "ui.subscribe_ask", "language", "ui.flood"]
        var named = 0, total = 0
        for key in rendered.keys where !housekeeping.contains(key) && !key.hasPrefix("ui.subscribed@") {
            for code in Fixtures.engine.catalog.languageCodes {
                let pages = try #require(rendered.pages(key, code))
                let first = try #require(pages.first)
                total += 1
                if first.text.contains("911") { named += 1; continue }
                let line = try #require(Fixtures.engine.catalog.languages[code]?.ui["sos_line"])
                let more = pages.count > 1 ? "\n" + (Fixtures.engine.catalog.languages[code]?.ui["more"] ?? "") : ""
                let body = pages.count > 1 ? String(first.text.dropLast(more.count)) : first.text
                #expect(SMS.info(body + "\n" + line + more).segments > first.info.segments, "\(key) \(code)")
            }
        }
        #expect(named * 10 >= total * 9, "\(named) of \(total) first pages name 911")
    }

    @Test func everyReplyFitsTheBudget() {
        let rendered = Fixtures.engine.conversation.rendered
        for key in rendered.keys {
            for code in Fixtures.engine.catalog.languageCodes {
                for page in rendered.pages(key, code) ?? [] { #expect(page.info.segments <= 3, "\(key) \(code)") }
            }
        }
    }
}
