import Channels
import Foundation
import Synchronization

/// A deterministic stand-in for Faro's core, for the gateway's tests (and the e2e script's test server).
///
/// SMS: `boom` throws, `slow` takes 3 s (giving up at its deadline if that comes first, as handlers must), `empty` answers nothing, `long` answers three GSM-7
/// parts, `largo` a long UCS-2 reply with emoji, `euro` an extension character across the 153 boundary,
/// `emoji67` an emoji across the 67 boundary, `ucsemoji` an emoji at every part boundary; anything else is echoed as
/// `Recibido: <text>` (UCS-2 when the text needs it).
/// USSD: a small menu tree with `0` back, `00` home, `98` more; path `9` answers an over-long screen on purpose.
public final class FakeHandler: MessageHandling {
    private let counter = Mutex<(handled: Int, ussd: Int, notices: Int)>((0, 0, 0))

    public init() {}

    public var handledCount: Int { counter.withLock { $0.handled } }
    public var ussdCount: Int { counter.withLock { $0.ussd } }
    public var noticeCount: Int { counter.withLock { $0.notices } }

    public static let longGSM = (0..<8).map { "Linea \($0): albergue abierto de 8 a 20 h, comida y agua gratis, pregunte por Faro." }
        .joined(separator: " ")
    public static let longUCS2 = "Información 😀: " + String(repeating: "día ", count: 14) + "🚌 ruta del Pacífico, "
        + String(repeating: "más ", count: 12) + "🏥 clínica gratuita. ¿Dónde? Aquí 👍 fin."
    public static let euroBoundary = String(repeating: "a", count: 152) + "€" + String(repeating: "b", count: 20)
    public static let emojiBoundary = "á" + String(repeating: "x", count: 65) + "😀" + String(repeating: "y", count: 20)
    public static let emojiEveryBoundary = "é" + String(repeating: "x", count: 65) + "😀" + String(repeating: "y", count: 65)
        + "🚌" + String(repeating: "z", count: 30) + "✈️ fin"

    public func handle(_ message: InboundMessage, deadline: ContinuousClock.Instant) async throws -> OutboundReply {
        counter.withLock { $0.handled += 1 }
        let key = message.text.lowercased()
        switch key {
        case "boom":
            throw FakeError.boom
        case "slow":
            let done = ContinuousClock.now + .seconds(3)
            let until = min(done, deadline)
            let wait = ContinuousClock.now.duration(to: until).components
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(
                    deadline: .now() + .nanoseconds(Int(wait.seconds) * 1_000_000_000 + Int(wait.attoseconds / 1_000_000_000))
                ) { c.resume() }
            }
            if until < done { throw DeadlinePassed() }
            return Self.reply("too late", intent: "slow")
        case "empty":
            return OutboundReply(text: "", encoding: "GSM-7", segments: 0)
        case "long":
            return Self.reply(Self.longGSM, intent: "long")
        case "largo":
            return Self.reply(Self.longUCS2, intent: "long")
        case "euro":
            return Self.reply(Self.euroBoundary, intent: "long")
        case "emoji67":
            return Self.reply(Self.emojiBoundary, intent: "long")
        case "ucsemoji":
            return Self.reply(Self.emojiEveryBoundary, intent: "long")
        default:
            return Self.reply("Recibido: " + message.text, intent: "echo")
        }
    }

    static func reply(_ text: String, intent: String) -> OutboundReply {
        let coding = SMSParts.coding(for: text)
        let lang = text.unicodeScalars.contains { $0 == "è" || $0 == "ê" } ? "fr" : "es"
        return OutboundReply(text: text, encoding: coding.rawValue, segments: SMSParts.count(text, coding: coding),
                             endsSession: true,
                             result: ["lang": lang, "intent": intent, "topic": nil, "place": nil, "route": nil])
    }

    public func ussd(session: String, from: String, path: [String], deadline: ContinuousClock.Instant) async throws
        -> OutboundReply
    {
        counter.withLock { $0.ussd += 1 }
        if path.first == "boom" { throw FakeError.boom }
        // Resolve the path: 00 home, 0 back, 98 next page.
        var stack: [(choice: String, page: Int)] = []
        var homePage = 0
        for input in path {
            switch input {
            case "00": stack = []; homePage = 0
            case "0": if !stack.isEmpty { stack.removeLast() } else { homePage = 0 }
            case "98": if stack.isEmpty { homePage += 1 } else { stack[stack.count - 1].page += 1 }
            default: stack.append((input, 0))
            }
        }
        let (text, ends) = Self.screen(stack.map(\.choice), page: stack.last?.page ?? homePage)
        let coding = SMSParts.coding(for: text)
        return OutboundReply(text: text, encoding: coding.rawValue, segments: 1, endsSession: ends,
                             result: ["lang": "es", "intent": "menu"])
    }

    static let shelters = (1...12).map { "Albergue \($0): abierto 24 h" }

    static func screen(_ choices: [String], page: Int) -> (String, Bool) {
        switch choices.first {
        case nil:
            return (page == 0 ? "Faro\n1 Derechos\n2 Peligros\n3 Albergues\n98 Mas" : "Faro\n4 Idioma\n5 Salir\n0 Atras", false)
        case "1":
            if choices.count >= 2 {
                return ("Derecho \(choices[1]): pedir asilo es gratis. COMAR atiende sin costo.\n0 Atras 00 Inicio", false)
            }
            return ("Derechos\n1 Asilo\n2 Salud\n3 Detencion\n0 Atras 00 Inicio", false)
        case "2":
            return ("Peligros: no suba al tren de noche. Viaje en grupo.", true)
        case "3":
            let per = 4
            let start = min(page * per, shelters.count - 1)
            let items = shelters[start..<min(start + per, shelters.count)].joined(separator: "\n")
            let more = start + per < shelters.count ? "\n98 Mas" : ""
            return ("\(items)\(more)\n0 Atras 00 Inicio", false)
        case "9":
            return (String(repeating: "Texto demasiado largo para una pantalla USSD. ", count: 6), false)
        default:
            return ("Opcion no valida.\n0 Atras 00 Inicio", false)
        }
    }

    public func floodNotice(for from: String) async -> String {
        counter.withLock { $0.notices += 1 }
        return "Faro: recibimos demasiados mensajes de su numero. Espere unos minutos y escriba de nuevo."
    }

    public func pseudonym(_ from: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in from.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return "p" + String(h, radix: 16)
    }

    enum FakeError: Error { case boom }
}
