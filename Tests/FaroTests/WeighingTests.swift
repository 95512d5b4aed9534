import Testing

/// How words are weighed against each other (messages/README.md: `.weak`, `emergency.past`, `cost`, `offtopic`,
/// and the rules in `Gateway.decide`), on the shipped content.
@Suite struct WeighingTests {
    @Test(arguments: [
        // A weak word counts only alone.
        ("can I travel to tijuana with my comar paper or will they stop me?", "rights", "asylum"),
        ("STOP", "stop", ""), ("stop svp", "stop", ""), ("ALTA RUTA PACIFICO", "subscribe", ""),
        // Leaving a route's alerts is stopping, not subscribing again.
        ("cancel the gulf route alerts", "stop", ""), ("quitar alertas ruta golfo", "stop", ""),
        ("avisenme si hay operativos en la ruta del pacifico", "subscribe", ""),
        ("avisenme si hay peligro en coatza", "subscribe", ""),
        ("cuanto cuesta el boleto pal futbol", "unknown", ""),
        // A place to go named right after a request frame is the question, not the story around it.
        ("estoy embarazada de 6 meses y no me han revisado. dnd hay clinica en palenque? no tengo papeles", "medical", ""),
        ("un medico urgente", "medical", ""), ("urgente!!", "emergency", ""),
        // A wound told beside an urgent word is an emergency; a doctor asked for beside them is not.
        ("urgente herido cerca de irapuato", "emergency", ""), ("aidez moi je suis blesse", "emergency", ""),
        ("urgente mi hijo esta herido donde hay una clinica", "medical", ""),
        ("who can help me with papers", "legal", ""), ("help me", "emergency", ""),
        // ... but never against a danger word: that is an emergency.
        ("they kidnap us in a house we are 12 pls help", "emergency", ""),
        ("ayudenme hay peligro aqui", "emergency", ""),
        ("EL RIO SE LLEVO A MI HERMANO EN PIEDRAS NEGRAS AYUDA", "emergency", ""),
        // Something that happened yields to a request beside it, not to a wound or a place.
        ("me robaron", "emergency", ""), ("me robaron, donde hay albergue", "shelter", ""),
        ("nos asaltaron y mi esposa esta herida", "emergency", ""),
        // A wound or a call for help opening the message does not hide a typo of what happened; a verb "aide" does.
        ("ayuda me acaban de asaltar en coatzacoalcos estoy herido", "emergency", ""),
        ("help!! my brother got kidnaped in reynosa they ask 5000 dlls now", "emergency", ""),
        ("c'est vrai que la police aide les kidnappeurs a reynosa?", "dangers", ""),
        // Someone fallen from the train is an emergency, unless care is asked for beside it.
        ("mi compa se cayo del tren", "emergency", ""),
        ("mi esposo se cayo del tren, no puede caminar pero no sangra mucho, hay clinica en orizaba?", "medical", ""),
        ("estamos atorados en un vagon cerrado hace mucho calor no podemos salir", "emergency", ""),
        // Held by someone is an emergency; held where someone may have been deported from is detention.
        ("mi hija de 16 esta con un pollero q no la deja salir de un cuarto en veracruz ayudenme x favor", "emergency", ""),
        ("comment savoir si mon frere a ete deporté en haiti ou s'il est encore enfermé au mexique", "rights", "detention"),
        // Idioms hold a keyword without meaning it.
        ("Pls my phone is almost dead, give me the beta number", "beta", ""),
        ("need doctor, my back very pain after jump, not emergency", "medical", ""),
        ("cops in juarez stole my phone", "rights", "complaint"),
        // Money beside a doctor: the right to care; money alone, or a free doctor asked for, is not.
        ("la clinica me cobro 500 pesos", "rights", "health"),
        ("The hospital wants money. Is it not free for migrants?", "rights", "health"),
        ("donde hay medico gratis", "medical", ""),
        // Off-topic words silence greetings, typos and babies.
        ("te quiero bebe", "unknown", ""), ("i love you baby", "unknown", ""), ("quien gano el partido", "unknown", ""),
        ("cuanto esta el dolar hoy en tapachula", "unknown", ""),  // a place beside them is no question about it
        ("gracias ya estoy a salvo", "thanks", ""),  // ... and only as written: "salvo" is not "saldo"
        ("vous vendez des cartes sim?", "unknown", ""),
        // The migration office is where papers are done, not a detention.
        ("c est ou le bureau de l INM a tapachula", "legal", ""),
        ("feliz cumpleaños, donde hay albergue en tijuana", "shelter", ""),
        // Rumours are dangers; a child beside a risk question is a detail; a minor held by migration is children.
        ("dicen q en orizaba asaltan a los del tren es cierto", "dangers", ""),
        // A danger asked about is a question, told by others or not; a doubt is never guessed from a typo.
        ("es cierto q en el rio en piedras negras se ahoga mucha gente", "dangers", ""),
        ("stamos prdidos n l dsierto sin agua x altar", "emergency", ""),
        // Poster words for the worst cases, in three languages.
        ("perdido en desierto", "emergency", ""), ("perdu désert", "emergency", ""), ("lost in desert", "emergency", ""),
        ("im hurt bad, got hit by a car", "emergency", ""),
        ("Is it safe to cross the river at Piedras Negras? We are 4 adults and a baby.", "dangers", ""),
        ("que pasa si migracion agarra a un menor que va solo", "rights", "children"),
        // Grupos Beta named win; our own words are never typos or another language's keywords.
        ("los beta son de migracion? me pueden entregar?", "beta", ""),
        ("hacia donde queda Saltillo?", "route", ""),
        ("cuantos km son hasta torreon", "route", ""),
        // Strong words say what the whole message is; work beside asylum asks about working meanwhile.
        ("Que onda, me pasaron este numero en el albergue de Arriaga, que servicios dan?", "menu", ""),
        ("Gracias hermano, ya llegue bien a Monterrey", "thanks", ""),
        ("ya llegue bien a Monterrey, nos tienen encerrados", "emergency", ""),
        ("can i work legally while i wait for asylum decision", "rights", "work"),
        // Money taken by migration officers is extortion; an explicit ask for a bed wins over what happened.
        ("un agent de migration m'a pris 2000 pesos", "rights", "complaint"),
        // Police named: an arrest is detention, anything else a complaint.
        ("que faire si la police m'arrete stp", "rights", "detention"),
        ("la policia me quito mis cosas en el camion", "rights", "complaint"),
        ("Me deportaron de EU y no conozco a nadie. Donde hay un albergue para dormir?", "shelter", ""),
        // Among places to go, the one talked about most; but a way's safety stays a danger question.
        ("tengo mucha tos y fiebre hace una semana, dormimos afuera", "medical", ""),
        ("hay farmacia cerca del albergue? necesito pastillas", "medical", ""),
        ("est ce que le train la bestia est dangereux", "dangers", ""),
        // A child told after the way asked about is a detail; told first, or beside a rights word, the question.
        ("Ocupo saber como llegar a Piedras Negras. Vamos con niños.", "route", ""),
        ("we found a small boy alone at bus station nobody with him, who to call", "rights", "children"),
        ("je voyage avec mon fils de 8 ans il a le droit d aller a l ecole ici?", "rights", "children"),
        // Thanks said two ways is thanks even beside a place; said three ways, whatever else is named.
        ("ya llegamos a hermosillo gracias por la info", "thanks", ""), ("gracias, y tijuana?", "dangers", ""),
        ("We reach Piedras Negras safe. Thank you for the information, God bless you", "thanks", ""),
        // Held or taken: an emergency, unless migration is named (then the rights of a detained person); a
        // kidnapping or a wound is always an emergency.
        ("nos tienen encerrados en una casa", "emergency", ""),
        ("nos tienen encerrados en la estacion migratoria", "rights", "detention"),
        ("immigration took my brother in saltillo where do they take people", "rights", "detention"),
        ("se llevaron a mi hermano unos de la maña en el ceibo", "emergency", ""),
        ("me secuestraron despues de salir de la estacion migratoria ayuda", "emergency", ""),
        ("mi hijo esta sangrando en la estacion migratoria", "emergency", ""),
        ("los niños pueden estar encerrados en la estacion migratoria?", "rights", "children"),
        ("por favor ayudenos estamos encerrados en una bodega en reynosa, piden 3000 dolares", "emergency", ""),
        // A rumour doubted is a question about dangers, even with a kidnapping named; a rumour about rights is rights.
        ("bjr on dit que a Reynosa on kidnappe les migrants c vrai?", "dangers", ""),
        ("on m a dit que les migrants n ont pas droit aux soins au mexique c est vrai?", "rights", "health"),
        ("they kidnapped my brother, is it true the police can help?", "emergency", ""),
        ("rumor says mexico will deport all indians next week, true?", "dangers", ""),
        // Hearsay of a danger after asking whether the way is safe; an emergency long ago beside a request.
        ("oigan es seguro cruzar el rio bravo x juarez? dicen q mucha gente se ahoga", "dangers", ""),
        ("el año pasado me secuestraron en reynosa, puedo pedir proteccion como refugiado aca?", "rights", "asylum"),
        ("hace 3 meses me secuestraron en reynosa", "emergency", ""),
        ("nos secuestraron en reynosa, puedo pedir asilo?", "emergency", ""),
        ("a mi ya me secuestraron una vez en tamaulipas, q zonas debo evitar ahora?", "dangers", ""),
        // Against detention, care counts one word more: deportation is what is feared, care what is asked.
        ("me pueden deportar si voy al hospital?", "rights", "health"),
        // Officials beside a place with no word of the writer's own case: how things are there.
        ("les policiers a reynosa volent les migrants?", "dangers", ""),
        ("hay redadas en el tren de puebla esta semana?", "dangers", ""),
        ("la policia me robo en reynosa", "rights", "complaint"),
        ("agarraron a mi esposo los de migracion en saltillo a donde se lo llevan", "rights", "detention"),
        ("cuanto tiempo te pueden tener en la estacion migratoria de hermosillo", "rights", "detention"),
        ("tienen a mi hermano en la estacion migratoria, cuantos dias lo pueden tener?", "rights", "detention"),
        // Sexual violence told as past: an emergency alone, a doctor when one is asked for (the reply gives 72 h).
        ("me violaron", "emergency", ""), ("me violaron hace 2 dias necesito ver un doctor", "medical", ""),
        // Deported is background beside a request.
        ("me deportaron ayer", "rights", "detention"),
        ("Hay algun albergue en Juarez q reciba deportados?", "shelter", ""),
        // Of two rights topics, the one more words name (against detention a complaint counts one more).
        ("Mon mari a été arrêté par la migration ce matin. Il a le papier de la COMAR. Ils ont le droit de le garder?", "rights", "detention"),
        ("The boss didnt pay me for 2 weeks of work. He says if i complain he will call immigration.", "rights", "work"),
        ("un oficial del inm me pidio mordida pa no deportarme", "rights", "complaint"),
        // Grupos Beta named are the question even beside more words of another service; police named beside a
        // doctor asked for do not make a complaint.
        ("pana el grupo beta da primeros auxilios? mi compa se corto el pie con un alambre", "beta", ""),
        ("Me violaron hace 2 dias. No quiero ir a la policia. Solo quiero q me revisen y no quedar embarazada", "medical", ""),
        ("Los policias le pegan a los que duermen afuera del albergue. A quien le digo?", "rights", "complaint"),
        // Something that happened yields to anything asked in so many words (a strong keyword).
        ("Hola. Me robaron todo en el camino y me lastime el pie. Donde me pueden revisar?", "medical", ""),
        ("ayer mataron a un muchacho en las vias x irapuato, es seguro seguir x ahi?", "dangers", ""),
        ("J'ai été agressée la nuit dernière. J'ai peur d'être enceinte ou malade. Où aller?", "medical", ""),
        // ... and does not hide a typo ("papié"), where a weak word does ("please help the boat turn over").
        ("on ma volé tou mes papié", "legal", ""),
        ("sali x amenazas de la pandilla, mataron a mi tio. como hago pa pedir proteccion?", "rights", "asylum"),
        // A greeting with a language named asks for that language; a lawyer asked for is legal help.
        ("Salam. English please", "language", "en"),
        ("J'ai besoin d'un avocat gratuit. Ma demande à la COMAR est compliquée.", "legal", ""),
        ("Mon cousin est détenu à la estacion migratoria. Il a le droit de voir un avocat?", "rights", "detention"),
        // Children named twice are the question even after a way word.
        ("im traveling with my 2 kids can they be taken from me", "rights", "children"),
        // Asking whether an offer or a rumour can be trusted is about dangers, a job offer too (its warning is the
        // reply: see jobOfferDoubtedGetsItsWarning); pay owed is about work.
        ("Un señor vende citas de CBP One en 500 dolares. Es real o es fraude?", "dangers", ""),
        ("someone on whatsapp sells cbp one appointments is it legit", "dangers", ""),
        ("job offer in tijuana is it legit", "dangers", ""),
        ("trabaje 2 semanas en una obra y el encargado no me quiere pagar", "rights", "work"),
        ("The guys in orange shirts giving water. Are they beta? Can i trust them", "beta", ""),
    ])
    func weighs(text: String, intent: String, topic: String) {
        let command = Fixtures.engine.first(text).command
        #expect(command.intent.rawValue == intent, "\(text)")
        #expect((command.topic ?? "") == topic, "\(text)")
    }

    @Test func jobOfferDoubtedGetsItsWarning() {
        let offer = Fixtures.engine.first("me ofrecieron trabajo en chihuahua con casa, sera trampa?")
        #expect(offer.command.intent.rawValue == "dangers" && offer.command.place == "chihuahua")
        let warning = Fixtures.engine.first("derechos laborales").reply.text
        #expect(offer.reply.text == warning)
        #expect(Fixtures.engine.first("peligros chihuahua").reply.text != warning)
    }

    /// "opcion 4", "le 3": a number said with a word that makes it a choice picks from the main menu (1 SOS,
    /// 2 rights, 3 dangers, 4 shelter); a number in a sentence does not.
    @Test(arguments: [("opcion 4", "shelter", "es"), ("el 3", "dangers", "es"), ("choix 2", "rights", "fr"),
                      ("option 1 please", "emergency", "en"), ("5 pls", "medical", "en"),
                      ("le 4 stp", "shelter", "fr"), ("i choose 3", "dangers", "en")])
    func numberedChoice(text: String, intent: String, language: String) {
        let decision = Fixtures.engine.first(text)
        #expect(decision.command.intent.rawValue == intent && decision.language == language, "\(decision.command)")
        #expect(Fixtures.engine.first("el 3 de mayo me robaron").command.intent == .emergency)
    }

    /// Of two places, the one after a destination word ("to", "pour", "a") or a way question, or the second after
    /// "entre"/"between".
    @Test(arguments: [("on peut marcher de ciudad hidalgo jusqu a tapachula?", "tapachula"),
                      // Where the person is now: for the way, the other place; for anything else, that one.
                      ("c loin matamoros d'ici? je suis a mty", "matamoros"),
                      ("tengo cita en comar de tapachula pero ya estoy en monterrey, puedo seguir el tramite aqui?", "monterrey"),
                      ("bus from queretaro to san luis potosi", "san-luis-potosi"),
                      ("de queretaro a san luis potosi en camion cuanto se hace", "san-luis-potosi"),
                      ("On est à Querétaro depuis une semaine. Quel chemin pour monterrey ?", "monterrey"),
                      ("estoy en tapachula, hay albergue?", "tapachula"),
                      ("donde duermo hoy en Chihuahua? vamos pa Juarez", "chihuahua"),
                      ("venimos de El Ceibo caminando y mi primo se lastimo la rodilla, hay algun medico en Palenque?", "palenque"),
                      ("we walked from El Ceibo", "el-ceibo"),
                      ("hay retenes de la maña entre torreon y chihuahua?", "chihuahua"),
                      ("r there cartel checkpoints between saltillo n nuevo laredo", "nuevo-laredo"),
                      ("suscribirme ruta centro, voy de puebla a slp", "san-luis-potosi")])
    func destination(text: String, place: String) {
        #expect(Fixtures.engine.first(text).command.place == place, "\(text)")
    }

    /// A keyword is read the way a message is: written with an SMS spelling ("cb d heures", "q tal esta") it still
    /// matches, and a message's SMS spellings are expanded only in the language its words suggest (the French
    /// "j'ai" is not the Spanish "ai" for "hay").
    @Test func smsSpellingsInKeywordsAndMessages() {
        let hours = Fixtures.engine.first("cb d'heures de veracruz a puebla?").command
        #expect(hours.intent.rawValue == "route" && hours.place == "puebla")
        let fear = Fixtures.engine.first("j'ai peur").command
        #expect(fear.intent.rawValue == "dangers" && fear.language == "fr")
        #expect(Fixtures.engine.first("gracias x la info").command.intent.rawValue == "thanks")
    }

    /// Written by ear: in a language whose file says how its words sound (`sounds:`), an unknown word that sounds like
    /// one keyword word is that word; known words and other languages are left alone.
    @Test func writtenByEar() {
        #expect(Fixtures.engine.first("nesesito donde kedarme esta noche").command.intent.rawValue == "shelter")
        #expect(Fixtures.engine.first("kiero volver a resibir los mensajes").command.intent.rawValue == "start")
        let brother = Fixtures.engine.first("mi ermano esta detenido en la estasion migratoria nesesito un licensiado").command
        #expect(brother.intent.rawValue == "legal")
        // Words written without their vowels are the keyword word with the same consonants ("albrg", "drchos");
        // one vowel missing is left to the typo index, and words that share consonants but mean different things
        // are never guessed.
        #expect(Fixtures.engine.first("dnd ay albrg").command.intent.rawValue == "shelter")
        #expect(Fixtures.engine.first("q drchos tngo si no tngo papls").command.intent.rawValue == "rights")
        // English is not read by Spanish sounds ("boy" is not "voy").
        #expect(Fixtures.engine.first("my boy has fever").command.intent.rawValue == "medical")
    }

    /// Two names side by side go from the first to the second; a bus terminal or a question of time is the way.
    @Test func sideBySidePlacesAndTheWay() {
        #expect(Fixtures.engine.first("c'est combien de km torreon chihuahua").command.place == "chihuahua")
        #expect(Fixtures.engine.first("boleto cdmx-mty cuanto").command.place == "monterrey")
        let terminal = Fixtures.engine.first("we reach veracruz, where is the ADO terminal").command
        #expect(terminal.intent == .route && terminal.place == "veracruz")
        #expect(Fixtures.engine.first("how long does it take to walk from el ceibo to tenosique").command.intent == .route)
        // Asking again or saying the line does not answer is asking for the menu.
        #expect(Fixtures.engine.first("nadie contesta??").command.intent == .menu)
        #expect(Fixtures.engine.first("repeat pls").command.intent == .menu)
    }

    /// Several questions in one SMS: the first is answered first, unless the whole is an emergency or the first
    /// asks nothing ("hola?", a place alone); the same question twice keeps the whole message's details.
    @Test func firstQuestionFirst() {
        #expect(Fixtures.engine.first("como contacto a beta en sasabe? y cuanto falta pa la linea").command.intent == .beta)
        let rights = Fixtures.engine.first("q derechos tengo aqui en mexico si no tengo papeles? y tb puedo trabajar?").command
        #expect(rights.intent == .rights && rights.topic == nil)
        #expect(Fixtures.engine.first("tienen albergue? estoy herido y sangrando mucho").command.intent == .emergency)
        #expect(Fixtures.engine.first("tem abrigo em Nogales? preciso dormir, estoy con mi filho").command.intent == .shelter)
        #expect(Fixtures.engine.first("la ruta del pacifico pasa x guadalajara? voy pa tijuana").command.place == "tijuana")
    }

    /// Names do not vote for a language; a language may name a place its own way (`place.<slug>`); a near tie of
    /// letters tells nothing.
    @Test func namesAndLanguages() {
        let clinic = Fixtures.engine.first("clinique ciudad hidalgo").command
        #expect(clinic.language == "fr" && clinic.place == "ciudad-hidalgo")
        #expect(Fixtures.engine.first("c'est dangereux a mexico?").command.place == "ciudad-de-mexico")
        #expect(Fixtures.engine.first("albergue en mexico").command.place == nil)
        // A place Faro has no content for is not the listed place inside its name (`elsewhere`).
        #expect(Fixtures.engine.first("donde hay clinica gratis en san luis rio colorado").command.place == nil)
        #expect(Fixtures.engine.first("donde hay clinica gratis en san luis").command.place == "san-luis-potosi")
        // Asked about a place Faro has no content for, the place someone comes from is not the answer.
        #expect(Fixtures.engine.first("how many hours from palenque to villahermosa").command.place == nil)
        // Words Spanish and French share, letters that barely lean: the message tells no language.
        #expect(Fixtures.engine.first("numero de la CNDH").command.language == nil)
        #expect(Fixtures.engine.first("central route cities?").command.language == "en")
        // Phrases are found word by word, the longest first, whichever pattern holds them ("en español" is not
        // hidden by a shorter phrase of another pattern).
        #expect(Fixtures.engine.first("contestame en español x favor").command.topic == "es")
        #expect(Fixtures.engine.first("como esta la ruta del pacifico ahorita, hay asaltos??").command.route == "pacifico")
        // Keyboard mashing fits no language's letters: it tells none (the reply takes the remembered or default).
        #expect(Fixtures.engine.first("kjdhf ksjd 77").command.language == nil)
        #expect(Fixtures.engine.first("ojala llueva pronto").command.language == "es")
    }
}
