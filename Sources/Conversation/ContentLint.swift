import Content
import Foundation

/// `faro content check`: everything staff should fix, as values with file and line (goflow's inspect/issues).
public enum ContentLint {
    static let requiredReplies = ["rights", "rights.asylum", "rights.health", "rights.detention", "rights.children",
                                  "rights.work", "rights.complaint", "dangers", "route", "shelter", "beta", "medical",
                                  "legal", "emergency"]
    static let requiredUI = ["menu_title", "submenu_hint", "back_hint", "more", "no_more", "unknown", "unknown_plain",
                             "help_here", "no_help_here", "unverified", "language_set", "subscribed", "subscribe_ask",
                             "stopped", "started", "thanks", "flood", "place_ask", "ussd_more", "ussd_home"]

    public static func check(directory: String, budget: Int = 3, staleDays: Int = 180, today: Date) -> [ContentIssue] {
        let loaded = CatalogLoader.load(directory: directory)
        guard let catalog = loaded.catalog else { return loaded.issues }
        return loaded.issues + check(catalog, budget: budget, staleDays: staleDays, today: today)
    }

    public static func check(_ catalog: Catalog, budget: Int = 3, staleDays: Int = 180, today: Date) -> [ContentIssue] {
        var issues = Engine(catalog: catalog, budget: budget).issues
        let codes = catalog.languageCodes
        func missing(_ pages: Pages, _ what: String, _ origin: Origin) {
            for code in codes where pages[code]?.isEmpty ?? true {
                issues.append(ContentIssue(.error, origin, "\(what) has no '\(code)' text"))
            }
        }
        for id in requiredReplies where catalog.replies[id] == nil {
            issues.append(ContentIssue(.error, Origin(file: "replies/", line: 0), "reply '\(id)' is missing"))
        }
        for entry in catalog.replies.values.sorted(by: { $0.id < $1.id }) {
            missing(entry.pages, "reply '\(entry.id)'", entry.meta.origin)
            review(entry.meta, "reply '\(entry.id)'")
            encoding(entry.pages, "reply '\(entry.id)'", entry.meta.origin)
        }
        for place in catalog.places.values.sorted(by: { $0.slug < $1.slug }) {
            missing(place.dangers, "place '\(place.slug)'", place.meta.origin)
            review(place.meta, "place '\(place.slug)'")
            encoding(place.dangers, "place '\(place.slug)'", place.meta.origin)
            if let route = place.route, catalog.routes[route] == nil {
                issues.append(ContentIssue(.error, place.meta.origin, "place '\(place.slug)' is on unknown route '\(route)'"))
            }
        }
        for route in catalog.routes.values.sorted(by: { $0.slug < $1.slug }) {
            missing(route.text, "route '\(route.slug)'", route.meta.origin)
            review(route.meta, "route '\(route.slug)'")
            for place in route.places where catalog.places[place] == nil {
                issues.append(ContentIssue(.error, route.meta.origin, "route '\(route.slug)' names unknown place '\(place)'"))
            }
        }
        for point in catalog.help {
            review(point.meta, "help point '\(point.id)'")
            if let place = point.place, catalog.places[place] == nil {
                issues.append(ContentIssue(.error, point.meta.origin, "help point '\(point.id)' is at unknown place '\(place)'"))
            }
            if !point.verified, point.phone != nil || point.address != nil {
                issues.append(ContentIssue(.warning, point.meta.origin,
                    "help point '\(point.id)': contact details are unverified; they are sent marked as such — verify them"))
            }
        }
        for (id, options) in catalog.menus.sorted(by: { $0.key < $1.key }) {
            for option in options where !validOption(option, catalog) {
                issues.append(ContentIssue(.error, catalog.menuOrigins[id] ?? Origin(file: "menus.yaml", line: 0),
                                           "menu '\(id)' has unknown option '\(option)'"))
            }
        }
        for code in codes {
            guard let pack = catalog.languages[code] else { continue }
            for key in requiredUI where (pack.ui[key] ?? "").isEmpty {
                issues.append(ContentIssue(.error, pack.origin, "language '\(code)' has no ui phrase '\(key)'"))
            }
        }

        func review(_ meta: Meta, _ what: String) {
            guard let reviewed = meta.reviewed else { return }
            guard let date = Self.day.date(from: reviewed) else {
                issues.append(ContentIssue(.warning, meta.origin, "\(what): 'reviewed: \(reviewed)' is not a date like 2026-11-29"))
                return
            }
            let days = Int(today.timeIntervalSince(date) / 86_400)
            if days > staleDays { issues.append(ContentIssue(.warning, meta.origin, "\(what) was last reviewed \(days) days ago")) }
        }
        /// A page sent as UCS-2 that would need fewer SMS in a GSM-7 wording.
        func encoding(_ pages: Pages, _ what: String, _ origin: Origin) {
            for (code, texts) in pages.sorted(by: { $0.key < $1.key }) {
                for (i, text) in texts.enumerated() {
                    let info = SMS.info(text)
                    guard info.encoding == .ucs2, let plain = SMS.gsm7Fallback(text) else { continue }
                    let saved = SMS.info(plain).segments
                    if saved < info.segments {
                        let culprits = Set(text.unicodeScalars.filter { !SMS.isGSM7($0) }.map { String($0) }).sorted().joined(separator: " ")
                        issues.append(ContentIssue(.warning, origin,
                            "\(what) '\(code)' page \(i + 1): \(culprits) force Unicode (\(info.segments) SMS); a GSM-7 wording needs \(saved)"))
                    }
                }
            }
        }
        return issues
    }

    static func validOption(_ option: String, _ catalog: Catalog) -> Bool {
        if option.hasPrefix("route.") { return catalog.routes[String(option.dropFirst(6))] != nil }
        if option.hasPrefix("language.") { return catalog.languages[String(option.dropFirst(9))] != nil }
        let head = option.split(separator: ".").first.map(String.init) ?? option
        return ["menu", "rights", "dangers", "route", "shelter", "beta", "medical", "legal", "emergency", "language",
                "subscribe", "stop", "start", "thanks"].contains(head)
    }

    static let day: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"; f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC")
        return f
    }()
}
