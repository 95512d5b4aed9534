import Foundation
import Content
import Gateway

/// One USSD screen (Africa's Talking style): at most 182 characters; `end` closes the session.
public struct USSDScreen: Sendable, Equatable {
    public var text: String
    public var end: Bool
    /// The intent and topic of what the screen shows, for the log.
    public var intent: Intent
    public var topic: String?
}

/// USSD menus, derived from the whole input path of a session (`["1", "2", "98"]`), so a repeated or retried
/// request gives the same screen. `0` goes back, `00` home, `98` shows the next page.
public struct USSDNavigator: Sendable {
    public static let screenLimit = 182
    let catalog: Catalog
    let rendered: RenderedCatalog

    public init(catalog: Catalog, rendered: RenderedCatalog) { self.catalog = catalog; self.rendered = rendered }

    /// Where the person is: a stack of menus, possibly a leaf reply being read, and the page on screen.
    struct Position {
        var menus: [String] = ["main"]
        var leaf: (key: String, intent: Intent, topic: String?)?
        var page = 0
    }

    public func screen(path: [String], language initial: String) -> USSDScreen {
        var position = Position()
        var language = initial
        for input in path.map({ $0.trimmingCharacters(in: .whitespaces) }) {
            switch input {
            case "00": position = Position()
            case "0":
                if position.leaf != nil { position.leaf = nil } else if position.menus.count > 1 { position.menus.removeLast() }
                position.page = 0
            case "98": position.page += 1
            default:
                guard position.leaf == nil, let n = Int(input), let options = catalog.menus[position.menus.last!],
                      n >= 1, n <= options.count else { continue }     // unknown input: same screen again
                let option = options[n - 1]
                position.page = 0
                if option.hasPrefix("language.") {
                    language = String(option.dropFirst(9)); position = Position()
                } else if catalog.menus[option] != nil, option != "route" || position.menus.last != "route" {
                    position.menus.append(option)
                } else {
                    position.leaf = leaf(option, from: position.menus.last!)
                }
            }
        }
        return render(position, language)
    }

    func leaf(_ option: String, from menu: String) -> (key: String, intent: Intent, topic: String?) {
        let parts = option.split(separator: ".", maxSplits: 1).map(String.init)
        if parts[0] == "route", parts.count > 1 { return ("route@\(parts[1])", menu == "dangers" ? .dangers : .route, nil) }
        return (option, Intent(rawValue: parts[0]) ?? .menu, parts.count > 1 ? parts[1] : nil)
    }

    func render(_ position: Position, _ language: String) -> USSDScreen {
        let ui = { (key: String) in catalog.languages[language]?.ui[key] ?? catalog.languages[catalog.defaultLanguage]?.ui[key] ?? "" }
        let body: String
        var intent = Intent.menu, topic: String?
        if let leaf = position.leaf {
            body = (rendered.pages(leaf.key, language) ?? []).map { Self.stripMore($0.text, more: ui("more")) }.joined(separator: "\n")
            intent = leaf.intent; topic = leaf.topic
        } else {
            let id = position.menus.last!
            let pack = catalog.languages[language] ?? catalog.languages[catalog.defaultLanguage]!
            let title = id == "main" ? ui("menu_title") : ui("submenu_hint")
            let options = (catalog.menus[id] ?? []).enumerated().map { "\($0 + 1) \(RenderedCatalog.label($1, catalog, pack))" }
            body = ([title] + options).joined(separator: "\n")
            if id == "rights" { intent = .rights }
        }
        var nav: [String] = []
        if position.leaf != nil || position.menus.count > 1 { nav.append(ui("back_hint")) }
        if position.leaf != nil || position.menus.count > 1 { nav.append(ui("ussd_home")) }
        let footerBase = nav.filter { !$0.isEmpty }.joined(separator: " ")
        let moreHint = ui("ussd_more")
        // Pages sized so that body + footer (with "98" when another page follows) fit one screen.
        let reserve = SMS.info(footerBase + " " + moreHint).units + 1
        let chunks = SMS.chunks(body, maxUnits: Self.screenLimit - reserve, encoding: .gsm7)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let page = min(position.page, max(0, chunks.count - 1))
        var footer = footerBase
        if page + 1 < chunks.count { footer = moreHint + (footer.isEmpty ? "" : " " + footer) }
        var text = chunks.isEmpty ? "" : chunks[page]
        if !footer.isEmpty { text += "\n" + footer }
        return USSDScreen(text: String(text.prefix(Self.screenLimit)), end: false, intent: intent, topic: topic)
    }

    /// SMS pages end with "Envie MAS…"; USSD pages by 98 instead.
    static func stripMore(_ text: String, more: String) -> String {
        guard !more.isEmpty, text.hasSuffix(more) else { return text }
        return String(text.dropLast(more.count)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
