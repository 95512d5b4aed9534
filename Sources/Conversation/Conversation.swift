import Content
import Gateway

/// The decision: `(state, command, catalog, now) → (reply, state, effects)`. Pure and total.
public struct Conversation: Sendable {
    public let catalog: Catalog
    public let rendered: RenderedCatalog
    /// After this long without messages, numbered replies and follow-ups start afresh. Two hours, not thirty
    /// minutes: on the way, an answer waits for signal or credit (a blind conversation writer sent "tapachula" 49
    /// minutes after the shelter menu, meaning shelters there).
    public static let memorySeconds: Double = 2 * 60 * 60
    /// Intents whose question a bare place or route name can answer ("albergue" then "ixtepec"). (Alerts ask only
    /// while their menu is open: after "alertas ruta del golfo", "matamoros" asks about Matamoros.)
    static let followUps: Set<Intent> = [.dangers, .route, .shelter, .medical, .legal, .beta, .rights]
    /// Questions about a place: a continuation ("y albergues?") or the same question again keeps the last one's place.
    static let placeKept: Set<Intent> = [.dangers, .route, .shelter, .medical, .legal, .beta]

    public init(catalog: Catalog, rendered: RenderedCatalog) {
        self.catalog = catalog; self.rendered = rendered
    }

    public func decide(state: SubscriberState, command input: Command, now: Double) -> Decision {
        var state = state
        var command = input
        var effects: [Effect] = []
        if let lastAt = state.lastAt, now - lastAt > Self.memorySeconds { state.menu = nil; state.last = nil }
        if let language = command.language, catalog.languages[language] != nil { state.language = language }

        if let choice = command.choice { command = resolve(choice: choice, state: state, original: command) }
        // After an emergency, a place alone ("on est pres de irapuato") says where it is happening.
        if command.implied, let last = state.last, last.intent == .emergency, command.place != nil {
            command.intent = .emergency; command.implied = false
        }
        if command.implied, let last = state.last, Self.followUps.contains(last.intent) {
            command.intent = last.intent
            if last.intent == .rights { command.topic = last.topic }
        }
        if command.implied, state.menu == "subscribe" { command.intent = .subscribe }
        // "peligros en el DF", then "y albergues?": the shelters of the same place; "albergue en juarez", then
        // "aceptan mujeres con niños?": the same question, so the same place.
        // "albergue en mexicali", then "one for women with kids?": another shelter, not children's rights ("kids" only
        // says who it is for).
        if command.another, let last = state.last, Self.placeKept.contains(last.intent),
           command.intent == .unknown || command.intent == .rights && command.topic == "children" {
            command.intent = last.intent; command.topic = nil
        }
        if command.continues || command.intent == state.last?.intent, command.place == nil, command.route == nil,
           let last = state.last, Self.placeKept.contains(command.intent) {
            command.place = last.place
        }
        // After an emergency, details with no request of their own ("somos 4 y un niño, porfavor rapido") are more of
        // the same emergency — so is where it is happening ("estamos cerca de la central de autobuses de reynosa").
        if let last = state.last, last.intent == .emergency,
           command.intent == .unknown || command.intent == .rights && command.topic == "children"
            || command.intent == .route || command.intent == .dangers && command.implied {
            command.intent = .emergency; command.topic = nil
        }
        // "todavia lo tienen" after an emergency in Matamoros: the same emergency, where it was (staff need it).
        if command.intent == .emergency, command.place == nil, let last = state.last, last.intent == .emergency {
            command.place = last.place
        }

        // DESIGN.md: the message's language when its words tell (set above); else the remembered one; else the
        // default. Words that several languages share ("danger tijuana", "STOP") tell nothing.
        var language = state.language ?? catalog.defaultLanguage
        var key: String
        var menu: String?
        var page = 0
        switch command.intent {
        case .menu:
            if command.more, let last = state.last {
                return more(state: state, last: last, language: language, now: now, original: input)
            }
            key = command.more ? "ui.no_more" : "menu"
            menu = command.more ? state.menu : "main"
        case .rights:
            key = command.topic.map { "rights.\($0)" } ?? "rights"
            if command.topic == nil { menu = "rights" }
            // A place sent after a rights answer ("asilo", then "tapachula") asks where to go there: the place's
            // help (COMAR, legal aid, CNDH; clinics for the right to care), the same question kept.
            if command.implied, let place = command.place {
                let help = "\(command.topic == "health" ? "medical" : "legal")@\(place)"
                if rendered.pages(help, language) != nil { key = help; menu = nil }
            }
        case .dangers:
            if command.jobOffer, rendered.pages("rights.work", language) != nil { key = "rights.work" }
            else if let place = command.place { key = "dangers@\(place)" }
            else if let route = command.route { key = "route@\(route)" }
            else { key = "dangers"; menu = catalog.menus["dangers"] != nil ? "dangers" : nil }
        case .route:
            let route = command.route ?? command.place.flatMap { catalog.places[$0]?.route }
            if let route { key = "route@\(route)"; command.route = route } else { key = "route"; menu = "route" }
        case .shelter, .medical, .legal, .beta:
            key = command.place.map { "\(command.intent.rawValue)@\($0)" } ?? command.intent.rawValue
        case .emergency:
            key = "emergency"
            effects.append(.escalate(place: command.place, language: language))
        case .language:
            if let value = command.topic, catalog.languages[value] != nil {
                state.language = value; language = value; key = "ui.language_set"
            } else { key = "language"; menu = "language" }
        case .subscribe:
            let route = command.route ?? command.place.flatMap { catalog.places[$0]?.route }
            if let route, catalog.routes[route] != nil {
                command.route = route
                if !state.routes.contains(route) { state.routes.append(route) }
                state.optedOut = false
                effects.append(.subscribe(route: route))
                key = "ui.subscribed@\(route)"
            } else { key = "ui.subscribe_ask"; menu = "subscribe" }
        case .stop:
            state.optedOut = true; state.routes = []
            effects.append(.unsubscribeAll)
            key = "ui.stopped"
        case .start:
            state.optedOut = false; key = "ui.started"
        case .thanks:
            key = "ui.thanks"
        case .unknown:
            key = command.suggestion.map { "ui.unknown@\($0)" } ?? "ui.unknown_plain"
            if rendered.pages(key, language) == nil { key = "ui.unknown_plain" }
        }
        if rendered.pages(key, language) == nil {   // content lacks this reply: say what we can, never nothing
            key = command.intent == .emergency ? "emergency" : "menu"
            menu = "main"
        }
        if let menu { state.menu = menu }
        if !key.hasPrefix("ui.") || key.hasPrefix("ui.subscribe") {
            state.last = .init(key: key, page: page, intent: command.intent, topic: command.topic,
                               place: command.place, route: command.route)
        }
        state.lastAt = now
        page = 0
        return Decision(command: command, language: language, reply: reply(key, language, page: page),
                        state: state, effects: effects)
    }

    /// MAS: the next page of the last reply, with the same intent.
    func more(state: SubscriberState, last: SubscriberState.Shown, language: String, now: Double, original: Command) -> Decision {
        var state = state
        let pages = rendered.pages(last.key, language) ?? []
        var command = Command(intent: last.intent, topic: last.topic, place: last.place, route: last.route,
                              language: original.language, more: true)
        let reply: Reply
        if last.page + 1 < pages.count {
            state.last?.page = last.page + 1
            reply = self.reply(last.key, language, page: last.page + 1)
        } else {
            command.intent = last.intent
            reply = self.reply("ui.no_more", language, page: 0)
        }
        state.lastAt = now
        return Decision(command: command, language: language, reply: reply, state: state, effects: [])
    }

    /// A number sent after a menu: the option it selects, or the main menu for 0 and numbers out of range.
    func resolve(choice: Int, state: SubscriberState, original: Command) -> Command {
        var command = Command(intent: .menu, language: original.language)
        let menuID = state.menu ?? "main"
        guard choice > 0, let options = catalog.menus[menuID], choice <= options.count else { return command }
        let option = options[choice - 1]
        let parts = option.split(separator: ".", maxSplits: 1).map(String.init)
        let value = parts.count > 1 ? parts[1] : nil
        switch parts[0] {
        case "route":
            command.route = value
            command.intent = menuID == "subscribe" ? .subscribe : (menuID == "dangers" ? .dangers : .route)
        case "language":
            command.intent = .language; command.topic = value
        default:
            command.intent = Intent(rawValue: parts[0]) ?? .menu
            command.topic = value
        }
        return command
    }

    func reply(_ key: String, _ language: String, page: Int) -> Reply {
        let pages = rendered.pages(key, language) ?? rendered.pages("menu", language) ?? []
        guard !pages.isEmpty else { return Reply(text: "FARO", encoding: "GSM-7", segments: 1) }
        let shown = pages[min(page, pages.count - 1)]
        return Reply(text: shown.text, encoding: shown.info.encoding.rawValue, segments: shown.info.segments)
    }
}
