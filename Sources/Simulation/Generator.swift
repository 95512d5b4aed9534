import Foundation

/// Deterministic synthetic traffic: the three languages in configurable shares, typos, SMS spelling, places,
/// conversations with numbered replies, opt-outs, emergencies and junk. The same seed gives the same messages.
public struct TrafficGenerator {
    public struct Shares: Sendable {
        public var es = 0.6, fr = 0.2, en = 0.2
        public init(es: Double = 0.6, fr: Double = 0.2, en: Double = 0.2) { self.es = es; self.fr = fr; self.en = en }
    }
    public struct Message: Sendable { public var at: Double; public var from: String; public var text: String }

    var rng: SplitMix
    let subscribers: Int
    let shares: Shares
    var clock = 0.0

    public init(seed: UInt64, subscribers: Int = 1_000, shares: Shares = Shares()) {
        rng = SplitMix(seed: seed); self.subscribers = max(1, subscribers); self.shares = shares
    }

    static let places = ["tapachula", "tenosique", "ciudad hidalgo", "cd hidalgo", "el ceibo", "palenque", "arriaga",
        "ixtepec", "coatzacoalcos", "veracruz", "orizaba", "puebla", "cdmx", "queretaro", "celaya", "irapuato",
        "guadalajara", "slp", "saltillo", "monterrey", "torreon", "chihuahua", "juarez", "piedras negras",
        "nuevo laredo", "nvo laredo", "reynosa", "matamoros", "hermosillo", "altar", "sasabe", "nogales", "mexicali",
        "tijuana", "TJ"]
    static let phrases: [String: [String]] = [
        "es": ["peligros", "peligros {p}", "PELIGROS {p}", "albergue en {p}", "donde hay albergue en {p}", "derechos",
               "mis derechos", "quiero pedir asilo", "como pido refugio", "necesito un doctor", "necesito ayuda legal",
               "hola", "ayuda", "menu", "grupo beta {p}", "es peligroso {p}?", "gracias", "ruta del golfo",
               "nos robaron todo", "auxilio", "me detuvo migracion", "mi hijo esta enfermo", "q hago si me para la policia",
               "dnd puedo dormir en {p}", "alertas golfo", "baja", "buenas tardes quiero saber mis derechos",
               "la policia me pidio dinero", "trabajo en {p}", "ninos no acompanados", "{p}"],
        "fr": ["droits", "dangers {p}", "DANGER {p}", "je cherche un refuge a {p}", "mes droits", "droits svp", "je veux demander l'asile",
               "j'ai besoin d'un médecin", "bjr", "aide", "merci", "urgence", "slt c koi mes droits", "ou dormir a {p} stp",
               "avocat", "la police m'a pris mon argent", "arret", "enfants seuls", "travail a {p}", "route du golfe"],
        "en": ["dangers {p} pls", "is {p} dangerous", "shelter in {p}", "where is a safe place to sleep", "my rights",
               "asylum", "i need a doctor", "hello", "help", "thanks", "emergency", "lawyer", "they took our money",
               "unsubscribe", "children alone", "job offer in {p}", "pacific route", "grupo beta {p}"],
    ]
    static let junk = ["jajaja", "ok", "👍", "asdfgh", "1234", "???", "quiero pizza", "🙏🙏", "", "hey bro"]

    /// What each number asked last, so the next message can follow it up as people do.
    var last: [Int: String] = [:]

    static let followUps: [String: [String]] = [
        "menu": ["1", "2", "3", "4", "5", "6", "7", "8"], "rights": ["1", "2", "3", "4", "5", "6", "0"],
        "dangers": ["tapachula", "nogales", "reynosa", "tenosique", "cd juarez", "1", "2", "3"],
        "shelter": ["ixtepec", "tijuana", "tapachula", "saltillo"], "any": ["MAS", "gracias", "PLUS", "MORE", "menu"],
    ]

    public mutating func next() -> Message {
        clock += Double(rng.next() % 2_000) / 1_000
        let number = Int(rng.next() % UInt64(subscribers))
        let from = "+52155500" + String(100_000 + number)
        let roll = rng.unit()
        let text: String
        if roll < 0.3, let previous = last[number], let options = Self.followUps[previous] ?? Self.followUps["any"] {
            text = options[Int(rng.next() % UInt64(options.count))]       // a conversation goes on
            last[number] = previous == "menu" && text == "2" ? "rights" : "any"
            return Message(at: (clock * 1000).rounded() / 1000, from: from, text: text)
        }
        if roll < 0.35 { text = Self.junk[Int(rng.next() % UInt64(Self.junk.count))] }
        else if roll < 0.38 { text = String(1 + rng.next() % 8) }
        else {
            let r = rng.unit() * (shares.es + shares.fr + shares.en)
            let language = r < shares.es ? "es" : (r < shares.es + shares.fr ? "fr" : "en")
            let options = Self.phrases[language]!
            var phrase = options[Int(rng.next() % UInt64(options.count))]
            phrase = phrase.replacingOccurrences(of: "{p}", with: Self.places[Int(rng.next() % UInt64(Self.places.count))])
            text = mangle(phrase)
            last[number] = Self.topic(of: phrase)
        }
        return Message(at: (clock * 1000).rounded() / 1000, from: from, text: text)
    }

    /// Which follow-ups fit a phrase (a rough reading of the template, not the engine's).
    static func topic(of phrase: String) -> String {
        let lower = phrase.lowercased()
        if ["hola", "ayuda", "menu", "bjr", "aide", "hello", "help"].contains(lower) { return "menu" }
        if lower.hasPrefix("derechos") || lower.hasPrefix("mis derechos") || lower.hasPrefix("droits") || lower == "my rights" { return "rights" }
        if lower == "peligros" || lower == "dangers" { return "dangers" }
        if lower.contains("albergue") || lower.contains("refuge") || lower.contains("shelter") || lower.contains("sleep") { return "shelter" }
        return "any"
    }

    /// Typos, case and punctuation people produce on small keyboards.
    mutating func mangle(_ phrase: String) -> String {
        var chars = Array(phrase)
        let roll = rng.unit()
        if roll < 0.15, chars.count > 5 {
            let i = 1 + Int(rng.next() % UInt64(chars.count - 3))
            if chars[i].isLetter, chars[i + 1].isLetter { chars.swapAt(i, i + 1) }
        } else if roll < 0.25, chars.count > 5 {
            let i = 1 + Int(rng.next() % UInt64(chars.count - 2))
            if chars[i].isLetter { chars.remove(at: i) }
        } else if roll < 0.3, let last = chars.last, last.isLetter {
            chars += [last, last]
        }
        var text = String(chars)
        let style = rng.unit()
        if style < 0.2 { text = text.uppercased() } else if style < 0.25 { text += "!!" } else if style < 0.28 { text += " 🙏" }
        return text
    }
}

/// A small, fast, seedable generator (SplitMix64), so generated files are reproducible on every platform.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
