/// Several questions in one SMS: which one is answered.
extension Gateway {
    func understand(_ text: String, trace: ((String) -> Void)?) -> Command {
        let (whole, several) = understandWhole(text, trace: trace)
        // Several questions in one SMS ("necesito doctor? y tambien saber mis derechos", "where do i take the train
        // to queretaro? and do the guards charge?"): the first is answered first, as blind writers label it —
        // unless the whole message is an emergency, or the first question alone asks nothing Faro answers ("hola?
        // necesito albergue", "es cierto? dicen que secuestran en reynosa").
        guard several, whole.intent != .emergency, whole.choice == nil, let end = text.firstIndex(of: "?"),
              Self.wordCount(text[end...], atLeast: 2) else { return whole }
        var first = understandWhole(String(text[...end]), trace: nil).command
        // (The same question asked twice keeps the whole message's details; a place alone asks nothing yet; the
        // way asked before whether it is safe — "la bestia sigue pasando x celaya? es seguro subirse" — is the
        // danger.)
        guard !Self.asksNothing.contains(first.intent), first.choice == nil, !first.implied,
              !(first.intent == .route && whole.intent == .dangers) else { return whole }
        if first.intent == whole.intent {  // (of rights, the topic the first question names)
            var same = whole
            if same.intent == .rights { same.topic = first.topic }
            return same
        }
        first.place = first.place ?? whole.place
        first.route = first.route ?? whole.route
        first.language = whole.language ?? first.language
        trace?("first question: \(first.intent.rawValue)")
        return first
    }

    /// Whether `text` has at least `n` words (runs of letters or non-ASCII), without normalizing it.
    static func wordCount(_ text: Substring, atLeast n: Int) -> Bool {
        var count = 0, inWord = false
        for byte in text.utf8 {
            let letter = byte >= 0x80 || (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            if letter, !inWord { count += 1; if count >= n { return true } }
            inWord = letter
        }
        return false
    }

    /// Intents that, alone in a first question, leave the rest of the message to say what is asked.
    static let asksNothing: Set<Intent> = [.unknown, .menu, .thanks]
}
