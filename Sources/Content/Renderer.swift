import Foundation

/// One SMS reply as the phone shows it.
public struct Page: Sendable, Equatable {
    public var text: String
    public var info: SMSInfo
}

/// Every reply Faro can send, rendered once per content version and language: menus numbered, places and help
/// points filled in, texts cut into pages that fit the segment budget, each page ending with the "more" phrase
/// when another follows. Answering a message is then a lookup, not string building.
public struct RenderedCatalog: Sendable {
    public let budget: Int
    private var table: [String: [String: [Page]]] = [:]
    public private(set) var issues: [ContentIssue] = []
    public let defaultLanguage: String

    /// Kinds of help point shown for each service asked for at a place.
    public static let helpKinds: [String: Set<String>] = [
        "shelter": ["shelter"], "medical": ["medical", "family"], "legal": ["legal", "comar", "cndh"], "beta": ["beta"],
    ]

    public init(catalog: Catalog, budget: Int = 3) {
        self.budget = max(1, budget)
        defaultLanguage = catalog.defaultLanguage
        for code in catalog.languageCodes { render(catalog, code) }
    }

    /// Pages of a reply key in a language, falling back to the default language.
    public func pages(_ key: String, _ language: String) -> [Page]? {
        table[key]?[language] ?? table[key]?[defaultLanguage]
    }
    public var keys: [String] { table.keys.sorted() }

    // MARK: building

    private mutating func render(_ catalog: Catalog, _ code: String) {
        guard let pack = catalog.languages[code] else { return }
        let ui = { (key: String) in pack.ui[key] ?? catalog.languages[catalog.defaultLanguage]?.ui[key] ?? "" }

        func menuBlock(_ id: String, title: String) -> String? {
            guard let options = catalog.menus[id] else { return nil }
            var lines = [title]
            for (i, option) in options.enumerated() {
                lines.append("\(i + 1) \(label(option, catalog, pack))")
            }
            if id != "main", !ui("back_hint").isEmpty { lines.append(ui("back_hint")) }
            return lines.joined(separator: "\n")
        }
        // The language's own emergency line (no fallback: a Spanish line in a Creole reply would not help).
        let sos = pack.ui["sos_line"] ?? ""
        func add(_ key: String, _ pages: [String], origin: Origin?, menu: String? = nil, withSOS: Bool = true) {
            var pages = pages
            if let menu, let block = menuBlock(menu, title: ui("submenu_hint")) {
                pages = pages.isEmpty ? [block] : [pages[0] + "\n" + block] + pages.dropFirst()
            }
            store(key, code, paginate(pages, more: ui("more"), sos: withSOS ? sos : ""), origin: origin ?? pack.origin)
        }
        func text(_ pages: Pages) -> [String] { pages[code] ?? pages[catalog.defaultLanguage] ?? [] }
        func fill(_ s: String, _ values: [String: String]) -> String {
            var out = s
            for (k, v) in values { out = out.replacingOccurrences(of: "{\(k)}", with: v) }
            return out
        }
        func helpList(_ points: [HelpPoint]) -> String {
            points.map { point in
                var line = "- " + point.name
                if let phone = point.phone { line += ": " + phone }
                if let address = point.address { line += ", " + address }
                if !point.verified, point.phone != nil || point.address != nil { line += " " + ui("unverified") }
                return line
            }.joined(separator: "\n")
        }

        if let main = menuBlock("main", title: ui("menu_title")) {
            store("menu", code, paginate([main], more: ui("more"), sos: sos), origin: catalog.menuOrigins["main"] ?? pack.origin)
        }
        for (id, entry) in catalog.replies {
            add(id, text(entry.pages), origin: entry.meta.origin, menu: catalog.menus[id] != nil ? id : nil)
        }
        for place in catalog.places.values {
            let all = catalog.help.filter { $0.place == place.slug }
            let values = ["place": place.name, "help": helpList(all)]
            add("dangers@\(place.slug)", text(place.dangers).map { fill($0, values) }, origin: place.meta.origin)
            for (service, kinds) in Self.helpKinds {
                let points = catalog.help(at: place.slug, kinds: kinds)
                let general = text(catalog.replies[service]?.pages ?? [:])
                let head = points.isEmpty ? fill(ui("no_help_here"), values)
                    : fill(ui("help_here"), values) + "\n" + helpList(points)
                add("\(service)@\(place.slug)", [head] + general, origin: place.meta.origin)
            }
        }
        for route in catalog.routes.values {
            let name = route.names[code] ?? route.names[catalog.defaultLanguage] ?? route.slug
            add("route@\(route.slug)", text(route.text).map { fill($0, ["route": name]) }, origin: route.meta.origin)
            add("ui.subscribed@\(route.slug)", [fill(ui("subscribed"), ["route": name])], origin: pack.origin, withSOS: false)
        }
        // Answers to housekeeping (stop, language, alerts) do not carry the emergency line; every other answer does.
        for key in ["thanks", "stopped", "started", "language_set", "no_more", "unknown_plain", "flood", "place_ask"] {
            add("ui.\(key)", [ui(key)], origin: pack.origin, withSOS: !["stopped", "started", "language_set"].contains(key))
        }
        add("ui.subscribe_ask", [ui("subscribe_ask")], origin: pack.origin, menu: catalog.menus["route"] != nil ? "route" : nil,
            withSOS: false)
        if catalog.menus["language"] != nil { add("language", [], origin: pack.origin, menu: "language", withSOS: false) }
        for id in pack.labels.keys {
            add("ui.unknown@\(id)", [fill(ui("unknown"), ["suggestion": pack.labels[id] ?? id])], origin: pack.origin)
        }
    }

    /// The label of a menu option in a language.
    public static func label(_ option: String, _ catalog: Catalog, _ pack: LanguagePack) -> String {
        if option.hasPrefix("route."), let route = catalog.routes[String(option.dropFirst(6))] {
            return route.names[pack.code] ?? route.slug
        }
        if option.hasPrefix("language."), let other = catalog.languages[String(option.dropFirst(9))] { return other.name }
        return pack.labels[option] ?? option.uppercased()
    }
    private func label(_ option: String, _ catalog: Catalog, _ pack: LanguagePack) -> String {
        Self.label(option, catalog, pack)
    }

    private mutating func store(_ key: String, _ code: String, _ pages: [Page], origin: Origin) {
        table[key, default: [:]][code] = pages
        for page in pages where page.info.segments > budget {
            issues.append(ContentIssue(.error, origin, "'\(key)' in \(code) needs \(page.info.segments) SMS, over the budget of \(budget)"))
        }
    }

    /// Cuts texts into pages within the budget: each given page stays whole when it fits with the "more" phrase;
    /// a page too long is cut at line, sentence or word ends. The first page ends with the emergency line `sos`
    /// when it does not name the number yet and the line costs no extra SMS (an emergency misunderstood as a
    /// question still sees 911 first).
    func paginate(_ texts: [String], more: String, sos: String = "") -> [Page] {
        let suffix = more.isEmpty ? "" : "\n" + more
        var pieces: [String] = []
        for text in texts where !text.isEmpty {
            let info = SMS.info(text + suffix)
            if info.segments <= budget { pieces.append(text); continue }
            let capacity = Self.capacity(budget, info.encoding) - SMS.info(suffix).units
            pieces += SMS.chunks(text, maxUnits: max(40, capacity), encoding: info.encoding)
        }
        let number = sos.filter(\.isNumber)
        if let first = pieces.first, !sos.isEmpty, number.isEmpty || !first.contains(number) {
            let end = pieces.count > 1 ? suffix : ""
            let with = first + "\n" + sos
            if SMS.info(with + end).segments <= SMS.info(first + end).segments { pieces[0] = with }
        }
        return pieces.enumerated().map { i, piece in
            let text = i < pieces.count - 1 ? piece + suffix : piece
            return Page(text: text, info: SMS.info(text))
        }
    }

    static func capacity(_ segments: Int, _ encoding: SMSEncoding) -> Int {
        switch encoding {
        case .gsm7: return segments == 1 ? 160 : 153 * segments - (segments > 1 ? segments : 0)
        case .ucs2: return segments == 1 ? 70 : 67 * segments - (segments > 1 ? segments : 0)
        }
    }
}
