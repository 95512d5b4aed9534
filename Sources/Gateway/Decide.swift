// From keyword hits to one Command: which hits count, what they point to (`Evidence`), and the rules that weigh
// them. Each rule has a test in WeighingTests and, for staff, a line in messages/README.md.

extension Gateway {
    /// Among rights topics named by as many words, the one that says what the person wants to do wins; a minor
    /// held by migration gets the children's rights (minors may not be held in a migration station); work beside
    /// asylum asks about working while the claim is pending.
    static func topicRank(_ topic: String) -> Int {
        ["complaint", "work", "asylum", "children", "detention", "health"].firstIndex(of: topic) ?? 9
    }

    /// Which intent wins when a message names several (a service asked for beats a general word).
    /// Grupos Beta named are what the message is about ("are the beta migra?", "do they give water?").
    static let precedence: [Intent] = [.emergency, .stop, .start, .language, .subscribe, .beta, .shelter, .medical,
                                       .rights, .legal, .dangers, .route, .thanks, .menu]

    /// What thanks said several ways does not outweigh: anything asked but the way and its dangers.
    static let notOutweighedByThanks = precedence.filter { ![.thanks, .menu, .dangers, .route].contains($0) }

    /// Places to go and things to know about the way: among them, the one a message talks about most wins.
    static let services: [Intent] = [.beta, .shelter, .medical, .legal, .dangers, .route]

    /// What the counted hits of a message point to.
    struct Evidence {
        var intents = IntentSet()
        var counts = SIMD16<Int32>()  // one lane per intent (15 of them)
        /// Every rights topic a word named ("" for rights in general) and how many words named it.
        var rightsNamed = [String: Int]()
        /// The first place named (not counting where someone comes from, unless it is the only one), and the one
        /// after a destination word ("de X a Y": Y) if any.
        var place: String?, destination: String?, origin: String?
        /// The word after an origin word ("venimos de", "from") and after a word for where the person is now
        /// ("ya estoy en"), and the place named there.
        var afterOrigin = -1, afterHere = -1, here: String?
        var route: String?, languageName: String?, languageSpan = 0
        var more = false, back = false, cost = false, authority = false, doubt = false, deported = false, rumour = false
        var between = false, jobOffer = false, offTopic = false, continues = false, another = false, ago = false, duration = false, personal = false
        /// A doubt said before any emergency word: what is doubted is the danger ("es cierto q ... se ahoga mucha
        /// gente"), not something beside an emergency ("they kidnapped my brother, is it true the police can help?").
        var doubtBeforeEmergency = false
        /// The same for hearsay ("es seguro cruzar x juarez? dicen q mucha gente se ahoga").
        var rumourBeforeEmergency = false
        /// A place Faro has no content for named as what is asked about (not where someone comes from): then the
        /// origin is not the answer ("how many hours from palenque to villahermosa", "ou dormir a escuintla").
        var elsewhereAsked = false
        /// The word after a request frame ("donde hay", "is there", "je cherche").
        var afterAsk = -10
        var firstRoute = Int.max, firstChild = Int.max
        /// The word after the last place named.
        var afterPlace = -1
        /// The word after a destination word or a way question ("para", "como llegar a").
        var afterToward = -1

        func count(_ intent: Intent) -> Int { Int(counts[IntentSet.index(intent)]) }

        /// Of two rights topics, the one more words name ("mi esposo esta en la estacion migratoria, no me dejan
        /// verlo, estoy con los niños": detention); on a tie, the one that says what the person wants to do.
        func rightsTopicWins(_ topic: String, over other: String) -> Bool {
            // Against detention, a complaint or care counts one word more: the words of detention often only name
            // who did it or what is feared ("un agente del inm me pidio dinero pa no deportarme", "me pueden
            // deportar si voy al hospital?").
            let againstDetention = topic == "detention" || other == "detention"
            // Against a complaint, work counts one word more when no official is named: the complaint is about the
            // employer ("el dueño ya me debe 2 meses, a donde voy a poner queja?").
            let againstComplaint = !authority && (topic == "complaint" || other == "complaint")
            let weight = { (t: String) in
                (rightsNamed[t] ?? 0) + ((t == "complaint" || t == "health") && againstDetention || t == "work" && againstComplaint ? 1 : 0)
            }
            let (a, b) = (weight(topic), weight(other))
            return a != b ? a > b : Gateway.topicRank(topic) < Gateway.topicRank(other)
        }

        mutating func add(_ hit: Hit) {
            switch hit.target {
            case .intent(let intent, var topic):
                // A place to go named right after a request frame is what is asked for ("donde me puedo quedar",
                // "is there a clinic", "hay operativos").
                if topic == nil, Gateway.askable.contains(intent), (0...1).contains(hit.position - afterAsk) { topic = "strong" }
                counts[IntentSet.index(intent)] += 1
                if intent == .route {
                    afterToward = hit.position + hit.span
                    firstRoute = min(firstRoute, hit.position)
                }
                if intent == .rights {
                    rightsNamed[topic ?? "", default: 0] += 1
                    if topic == "children" { firstChild = min(firstChild, hit.position) }
                }
                guard let existing = intents[intent] else { intents[intent] = topic; return }
                if intent != .rights {
                    // strong outweighs plain, which outweighs held or hurt, which outweigh weak or past
                    let weight = { (t: String?) in t == "strong" ? 3 : t == nil ? 2 : t == "held" || t == "hurt" ? 1 : 0 }
                    if weight(topic) > weight(existing) { intents[intent] = .some(topic) }
                } else if let topic, existing.map({ rightsTopicWins(topic, over: $0) }) ?? true {
                    intents[intent] = topic
                }
            case .place(let slug):
                // ("estoy en monterrey", "je suis a altar": the place follows one little word, never a destination.)
                let isHere = afterHere >= 0 && (afterHere...afterHere + 1).contains(hit.position)
                if isHere { here = here ?? slug }
                if hit.position == afterOrigin || isHere { origin = origin ?? slug } else if place == nil { place = slug }
                // (Two names side by side, "palenque veracruz", "cdmx-mty": from the first to the second.)
                // (Not a name one language gives the place just named: "Chihuahua la capitale".)
                let besideLast = hit.position == afterPlace && place != nil && place != slug && !hit.fuzzy && hit.language == nil
                if !isHere, hit.position == afterToward || between && place != nil && place != slug || besideLast {
                    destination = slug
                }
                afterPlace = hit.position + hit.span
            case .route(let slug): if route == nil { route = slug }
            // "je comprends pas l'espagnol, en français svp": a phrase ("en francais") says which language is
            // wanted better than a bare name; of two such phrases, the later ("no leo frances, mandemelo en español").
            case .languageName(let code):
                if languageName == nil || hit.span > languageSpan || hit.span == languageSpan && hit.span > 1 {
                    languageName = code; languageSpan = hit.span
                }
            case .more: more = true
            case .back: back = true
            case .offTopic: offTopic = true
            case .idiom: break
            case .also: if hit.position == 0 { continues = true }
            case .another: if hit.position == 0 { continues = true; another = true }
            case .there: continues = true
            case .ago: ago = true
            case .elsewhere: if hit.position != afterOrigin, hit.position != afterHere { elsewhereAsked = true }
            case .choice: break
            case .cost: cost = true
            case .duration: duration = true
            case .authority: authority = true
            case .toward: afterToward = hit.position + hit.span
            case .between: between = true
            case .ask: afterAsk = hit.position + hit.span
            case .origin: afterOrigin = hit.position + hit.span
            case .here: afterHere = hit.position + hit.span; personal = true
            case .deported: deported = true
            case .rumour:
                rumour = true
                rumourBeforeEmergency = rumourBeforeEmergency || intents[.emergency] == nil
            case .doubt:
                doubt = true
                doubtBeforeEmergency = doubtBeforeEmergency || intents[.emergency] == nil
                if intents[.dangers] == nil { intents[.dangers] = .some(nil) }
            }
        }
    }

    /// The command, and whether the message named several requests (or rights topics): only then can its first
    /// question differ from the whole (`Questions.swift`).
    func decide(_ all: [Hit], language: Int?, personal: Bool) -> (command: Command, several: Bool) {
        var evidence = Evidence()
        evidence.personal = personal
        for hit in Self.counted(all, language: language).sorted(by: { $0.position < $1.position }) { evidence.add(hit) }
        // (Counted over every hit, before one language's keywords hide another's: a question alone may be read in
        // another language than the whole message.)
        // Words that turn one request into another (money beside a doctor, officials, a doubt, a language named)
        // count as a request of their own.
        var named: UInt32 = 0, topics = Set<String>(), turns = false
        for hit in all {
            switch hit.target {
            case .intent(let intent, let topic) where Intent.requests.contains(intent):
                named |= 1 << IntentSet.index(intent)
                if intent == .rights { topics.insert(topic ?? "") }
            case .cost, .authority, .doubt, .deported, .rumour, .languageName: turns = true
            default: break
            }
        }
        let several = named.nonzeroBitCount + (turns ? 1 : 0) >= 2 || topics.count >= 2
        let strong = Self.applyRules(&evidence)
        return (Self.command(from: evidence, strong: strong), several)
    }

    /// The hits that count. Once the message's language is known, keywords of other languages count only when
    /// nothing in the message's own language matched ("son" is English for a child, not in "cuales son mis
    /// derechos"), and a typo only counts as a typo of the message's language. Typos count only when no keyword
    /// matched exactly.
    static func counted(_ all: [Hit], language: Int?) -> [Hit] {
        var hits = all
        if let language {
            // A greeting or a child in the message's language ("hello ... albergue in saltillo", "albergue a
            // tapachula pour femme avec enfants") does not hide a keyword of another language; any other request
            // of its own does.
            let own = hits.contains { hit in
                guard case .intent = hit.target, !hit.fuzzy, hit.language == language else { return false }
                return !isGreeting(hit.target) && hit.target != .intent(.rights, topic: "children")
            }
            hits.removeAll { hit in
                guard let l = hit.language, l != language else { return false }
                return own || hit.fuzzy
            }
        }
        // Off-topic words ("i love you baby", "quien gano el partido"): typos, greetings, a child named in passing,
        // a ticket or a country ("el boleto pal futbol", "president of usa") and other languages' keywords ("el
        // america" is not "america") are not requests.
        if hits.contains(where: { $0.target == .offTopic }) {
            hits.removeAll { hit in
                hit.fuzzy || isGreeting(hit.target) || hit.target == .intent(.rights, topic: "children")
                    || hit.target == .intent(.route, topic: nil)
                    || (language != nil && hit.language != nil && hit.language != language)
            }
        }
        // (Something that happened — a theft, a wound — does not hide a typo: "on ma volé tou mes papié" asks for
        // papers; and a call for help opening the message does not hide a typo of an emergency: "help!! my brother
        // got kidnaped" — "la police aide les kidnappeurs" is no call for help.)
        let exact = hits.filter { hit in
            guard case .intent(_, let topic) = hit.target, !hit.fuzzy else { return false }
            return topic != "past" && topic != "hurt"
        }
        if !exact.isEmpty {
            let onlyHelp = exact.allSatisfy { $0.target == .intent(.menu, topic: nil) && $0.position == 0 }
            hits.removeAll { hit in
                guard case .intent(let intent, _) = hit.target, hit.fuzzy else { return false }
                return !(onlyHelp && intent == .emergency)
            }
        }
        return hits
    }

    /// The rules that weigh the evidence against itself; returns the intent that says what the whole message is,
    /// if any.
    static let askable: Set<Intent> = [.shelter, .medical, .legal, .beta, .dangers]
    /// What officials named beside a place can be about when nothing else is asked.
    static let aboutAPlace: Set<Intent> = [.rights, .dangers, .route]

    static func applyRules(_ e: inout Evidence) -> Intent? {
        if e.ago, e.intents[.emergency] == .some(nil) { e.intents[.emergency] = "past" }
        // Police or officials named: what they did (an arrest: detention) says more; else a complaint about them.
        // (Unless the person asks whether an offer can be trusted: then the officials are part of the offer.)
        if e.authority, !e.doubt, (e.intents[.rights] ?? nil) == nil { e.intents[.rights] = "complaint" }
        // Held or locked in ("nos tienen encerrados"): an emergency, unless migration holds them (a detention
        // word: "encerrados en la estacion migratoria") — then it is the rights of a detained person.
        if e.intents[.emergency] == .some("held") {
            e.intents[.emergency] = e.rightsNamed["detention"] != nil || e.deported ? nil : .some(nil)
        }
        // Deported, with nothing else asked: the rights of a detained or deported person.
        if e.deported, !precedence.contains(where: { e.intents[$0] != nil && !isGreeting(.intent($0, topic: nil)) }) {
            e.intents[.rights] = "detention"; e.rightsNamed["detention", default: 0] += 1
        }
        var strong = weigh(&e.intents, medicalWords: e.count(.medical))
        // Asking to be told about a route or a place is subscribing, however its dangers are put ("avisenme si hay
        // operativos en la ruta del pacifico", "avisenme si hay peligro en coatza").
        if strong == .dangers, e.intents[.subscribe] != nil, e.route != nil || e.place != nil { strong = .subscribe }
        // Thanks said more ways than anything else ("arrivés sains et saufs, merci", "thanks, we reached hermosillo
        // safe") is thanks — unless something else is asked for ("direct me to a shelter ... we arrived, thank you").
        if strong == nil, e.count(.thanks) >= 2, e.count(.thanks) > e.count(.dangers) + e.count(.route),
           !notOutweighedByThanks.contains(where: { e.intents[$0] != nil }) {
            strong = .thanks
        }
        // Asking whether an offer or a rumour can be trusted is a question about dangers — unless it is about rights
        // ("me dijeron que la constancia me deja viajar, es verdad?"), where only a rumour of arrests or raids is a
        // danger ("dicen que la migra agarra gente en la central, es cierto?"). A job offer doubted ("me ofrecieron
        // trabajo con casa, sera trampa?") is a danger too, the trap of trafficking: answered with the job-offer
        // warning.
        if e.doubt, strong == nil, e.intents[.beta] == nil, e.rightsNamed.keys.allSatisfy({ $0 == "work" }),
           e.intents[.rights] == .some("work") {
            strong = .dangers; e.jobOffer = true
        }
        if e.doubt, strong == nil, e.intents[.beta] == nil,
           e.intents[.rights] == nil || e.rumour && e.intents[.rights] == .some("detention") {
            strong = .dangers
        }
        // A rumour doubted, or a danger doubted before it is named, asks whether a danger is real, even with a
        // kidnapping named ("dicen que secuestran en reynosa, es cierto?", "es cierto q en el rio se ahoga mucha
        // gente"): not a call for rescue.
        // So is hearsay of a danger after asking in so many words whether the way is safe ("es seguro cruzar el rio
        // x juarez? dicen q mucha gente se ahoga").
        if strong == .dangers, e.doubt && (e.rumour || e.doubtBeforeEmergency) || e.rumourBeforeEmergency {
            e.intents[.emergency] = nil
        }
        // Officials named beside a place, with no word of the writer's own case: how things are there, a danger
        // ("la migra esta subiendo al tren en apizaco?", "les policiers a reynosa volent les migrants?"); an arrest
        // or a complaint happens to someone ("me", "mi hermano"), or is named ("donde pongo la queja"); how long
        // someone is held, or rights named, ask about detention ("cuanto tiempo te pueden tener en la estacion").
        if strong == nil, !e.personal, !e.duration, e.rightsNamed[""] == nil, e.place != nil || e.destination != nil,
           let topic = e.intents[.rights] ?? nil, topic == "detention" || topic == "complaint" && e.rightsNamed["complaint"] == nil,
           !precedence.contains(where: { !Self.aboutAPlace.contains($0) && e.intents[$0] != nil }) {
            e.intents[.rights] = nil; e.intents[.route] = nil; e.intents[.dangers] = .some(nil)
        }
        // "derechos" + "salud": the right to health care, not a doctor (also for a child refused care).
        if let topic = e.intents[.rights], e.intents[.medical] != nil,
           topic == nil || topic == "health" || topic == "children" && e.rightsNamed["health"] != nil {
            e.intents[.rights] = "health"; e.intents[.medical] = nil
        }
        // "the hospital refused me, is that legal?", "the clinic charged me 500 pesos": the right to care.
        let childNamed = e.intents[.rights] == .some("children")
        if e.intents[.medical] != nil, e.intents[.rights] == nil || childNamed, e.intents[.legal] != nil || e.cost {
            e.intents[.rights] = "health"; e.intents[.medical] = nil; e.intents[.legal] = nil
        }
        // Money taken or asked for by migration officers or police ("un agent de migration m'a pris 2000 pesos"):
        // extortion, a complaint.
        if e.cost, e.intents[.medical] == nil, e.intents[.rights] == .some("detention") { e.intents[.rights] = "complaint" }
        // Children named beside a question about risks, the way or a place to stay are a detail of it ("is it safe
        // to cross, we have a baby", "on dort dans le parc avec mes deux enfants, un centre pour nous ?").
        // A child told first ("we found a boy alone at the bus station") or beside a rights word is the question.
        // Children named twice or more ("my 2 kids, can they be taken from me") are the question too.
        if e.intents[.rights] == .some("children"), !e.rightsNamed.keys.contains(where: { $0 != "children" }),
           e.rightsNamed["children"] == 1, e.intents[.dangers] != nil || e.intents[.shelter] != nil || e.firstRoute < e.firstChild {
            e.intents[.rights] = nil
        }
        if let strong, e.intents[.emergency] == nil { e.intents = IntentSet(); e.intents[strong] = .some(nil) }
        // Pay and work offers: food or a room that come with the job are part of it ("trabajo con comida y pasaje").
        if e.intents[.rights] == .some("work") { e.intents[.shelter] = nil }
        return strong
    }

    /// The winning intent and its details.
    static func command(from e: Evidence, strong: Intent?) -> Command {
        var command = Command(intent: .unknown, place: e.place ?? (e.elsewhereAsked ? nil : e.origin), route: e.route)
        command.continues = e.continues
        command.another = e.another
        // Detention and complaints name what the message is about; shelter or doctor words around them are
        // details ("in the migration station they don't let me call my family"). Asylum is often background
        // ("I already applied at COMAR but have nowhere to sleep").
        // (A complaint only inferred from the police being named does not outweigh a doctor: "no quiero ir a la
        // policia, solo quiero que me revisen".)
        let strongTopic = e.intents[.rights].flatMap { $0 }.map {
            ["detention", "complaint"].contains($0) && (e.rightsNamed[$0] != nil || e.intents[.medical] == nil)
        } ?? false
        let order = strongTopic ? precedence.filter { $0 != .rights }.flatMap { $0 == .beta ? [.beta, .rights] : [$0] }
                                : precedence
        if var intent = order.first(where: { e.intents[$0] != nil }) {
            // Among places to go (a shelter, a doctor, a lawyer…), the one the message talks about most: "mal aux
            // dents … manger … dentiste" is a doctor, "tos y fiebre … dormimos afuera" too. Whether a way is safe
            // stays a question about dangers however much of the way is described.
            if services.contains(intent), intent != .beta, strong == nil {  // Grupos Beta named are the question
                let candidates = services.filter { e.intents[$0] != nil && !($0 == .route && e.intents[.dangers] != nil) }
                if let best = candidates.max(by: { e.count($0) < e.count($1) }), e.count(best) > e.count(intent) { intent = best }
            }
            command.intent = intent
            command.topic = e.intents[intent] ?? nil
            command.jobOffer = e.jobOffer && intent == .dangers
            // The way, its dangers or its alerts: of two places, the destination ("de queretaro a san luis potosi",
            // "quel chemin pour monterrey"); anything else is asked where the person is ("donde duermo en
            // chihuahua, vamos pa juarez").
            if intent == .route || intent == .dangers || intent == .subscribe {
                if let destination = e.destination { command.place = destination }
            } else if let here = e.here {
                command.place = here
            }
            if intent == .language { command.topic = e.languageName ?? command.topic }
            // "Salam. English please": a greeting with a language named asks for that language.
            if intent == .menu, strong == nil, let languageName = e.languageName {
                command.intent = .language; command.topic = languageName
            }
            // A greeting or thanks around a place name still asks about that place — not thanks said two ways
            // ("ya llegamos a hermosillo, gracias por la info").
            if intent == .menu || intent == .thanks && e.count(.thanks) == 1, command.place != nil || e.route != nil, strong == nil {
                command.intent = command.place != nil ? .dangers : .route; command.implied = true
            }
        } else if let languageName = e.languageName {
            command.intent = .language; command.topic = languageName
        } else if e.route != nil {  // "la ruta del golfo pasa por veracruz?" asks about the route
            command.intent = .route; command.implied = true
        } else if command.place != nil, !e.offTopic {
            // Places alone ask about their dangers — but from one to another they ask the way there ("Guadalajara a
            // Torreon cuanto tiempo", "de ixtepec a veracruz comment faire"); not a place named beside something
            // off-topic ("a good roti shop in tijuana").
            let fromTo = e.origin != nil && e.destination != nil && e.origin != e.destination
            command.intent = fromTo || e.duration ? .route : .dangers
            command.implied = true
            command.place = e.destination ?? command.place
        } else if e.cost || e.duration {
            // Only whether it costs or how long it takes ("c gratuit?", "combien de temps ca prend"): a question about
            // the last answer, if there was one.
            command.implied = true
        } else if e.more {
            command.intent = .menu; command.more = true
        } else if e.back {
            command.intent = .menu; command.choice = 0
        }
        return command
    }

    /// Resolves the strength of keywords (messages/README.md) and returns the intent named by a strong one.
    /// Weak words ("urgent", a "stop" inside a question) count only when nothing else is asked — but a weak
    /// emergency word beside a danger word is still an emergency. Robbed or beaten in the past: a request beside it
    /// (a complaint, papers, a shelter) is what the person wants; someone hurt, or only the place or the train
    /// named, and it stays an emergency. A child named is not a request ("urgent, ma fille a perdu connaissance").
    /// Strong words say what the whole message is ("este numero que servicios dan", "ya llegue bien").
    static func weigh(_ intents: inout IntentSet, medicalWords: Int = 0) -> Intent? {
        var strong: Intent?
        for intent in precedence where intent != .rights {
            guard case .some(.some(let strength)) = intents[intent] else { continue }
            if strength == "strong" { strong = strong ?? intent; intents[intent] = .some(nil); continue }
            if strength == "hurt" { intents[intent] = .some(nil); continue }
            // (Anything asked in so many words — a strong keyword: "donde me pueden revisar", "es seguro seguir?" —
            // is a request too, and so is care described in several words ("agressée il y a 2 jours, peur d'être
            // enceinte ou malade"); one wound is not.)
            let snapshot = intents
            let strongAsks = precedence.filter { $0 != intent && snapshot[$0] == .some("strong") }
            // (Nor is a wound told beside an urgent word a request for a doctor: "urgente herido cerca de irapuato",
            // "aidez moi je suis blesse".)
            let asks = strength == "weak"
                ? precedence.filter { $0 != intent && !isGreeting(.intent($0, topic: nil))
                    && !(intent == .emergency && ($0 == .dangers || $0 == .medical && snapshot[.medical] == .some("hurt"))) }
                    + strongAsks  // "help me please, what is this service"
                : [.rights, .legal, .shelter, .beta, .subscribe, .stop, .start, .language] + strongAsks
                    + (medicalWords >= 2 ? [.medical] : [])
            // (A child named beside an emergency word is not a request: "urgent, ma fille a perdu connaissance".)
            let asked = asks.contains {
                snapshot[$0] != nil && !(intent == .emergency && $0 == .rights && snapshot[.rights] == .some("children"))
            }
            intents[intent] = asked ? nil : .some(nil)
        }
        return strong
    }

    static func isGreeting(_ target: Target) -> Bool {
        target == .intent(.menu, topic: nil) || target == .intent(.thanks, topic: nil)
    }
}

/// The intents a message named, each with its topic: a dictionary's interface over a bit set (it runs per message;
/// no heap for what most messages name, topics only when one is named).
struct IntentSet {
    private var present: UInt32 = 0
    private var topics: [Int: String] = [:]

    static func index(_ intent: Intent) -> Int {
        switch intent {
        case .menu: 0
        case .rights: 1
        case .dangers: 2
        case .route: 3
        case .shelter: 4
        case .beta: 5
        case .medical: 6
        case .legal: 7
        case .emergency: 8
        case .language: 9
        case .subscribe: 10
        case .stop: 11
        case .start: 12
        case .thanks: 13
        case .unknown: 14
        }
    }

    /// nil: not named; .some(topic): named, with an optional topic.
    subscript(intent: Intent) -> String?? {
        get {
            let i = Self.index(intent)
            return present & (1 << i) != 0 ? .some(topics[i]) : nil
        }
        set {
            let i = Self.index(intent)
            if newValue != nil { present |= 1 << i } else { present &= ~(1 << i) }
            topics[i] = newValue ?? nil
        }
    }
}
