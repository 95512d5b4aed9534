import Foundation
import Yams

/// Reads `messages/` into a `Catalog`. Never throws: every problem becomes a `ContentIssue`; a catalog is returned
/// unless an error-level issue makes the content unusable (callers keep their last good catalog then).
public enum CatalogLoader {
    public struct Result: Sendable {
        public var catalog: Catalog?
        public var issues: [ContentIssue]
        public var errors: [ContentIssue] { issues.filter { $0.severity == .error } }
    }

    /// Loads a content directory from disk.
    public static func load(directory: String, defaultLanguage: String = "es") -> Result {
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            return Result(catalog: nil, issues: [ContentIssue(.error, Origin(file: directory, line: 0), "content folder not found")])
        }
        var files: [(String, String)] = []
        var issues: [ContentIssue] = []
        for case let url as URL in walker where url.pathExtension == "yaml" || url.pathExtension == "yml" {
            let relative = String(url.path.dropFirst(root.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard let data = FileManager.default.contents(atPath: url.path) else {
                issues.append(ContentIssue(.error, Origin(file: relative, line: 0), "cannot read the file")); continue
            }
            files.append((relative, String(decoding: data, as: UTF8.self)))
        }
        var result = parse(files: files.sorted { $0.0 < $1.0 }, defaultLanguage: defaultLanguage)
        result.issues.insert(contentsOf: issues, at: 0)
        if !result.errors.isEmpty { result.catalog = nil }
        return result
    }

    /// Builds a catalog from (relative path, YAML text) pairs. Pure: used by tests with in-memory files.
    public static func parse(files: [(String, String)], defaultLanguage: String = "es") -> Result {
        var reader = Reader()
        // Files that add a language to existing entries (`places.ht.yaml`, `replies/ht.yaml`) are read last.
        let ordered = files.filter { !isLanguageAddition($0.0) } + files.filter { isLanguageAddition($0.0) }
        for (path, text) in ordered { reader.read(path: path, text: text) }
        var catalog = Catalog(
            version: ContentHash.of(files), languages: reader.languages, defaultLanguage: defaultLanguage,
            replies: reader.replies, places: reader.places, routes: reader.routes, help: reader.help,
            menus: reader.menus, menuOrigins: reader.menuOrigins)
        if catalog.languages[defaultLanguage] == nil {
            reader.issue(.error, Origin(file: "languages/\(defaultLanguage).yaml", line: 0),
                         "the default language '\(defaultLanguage)' has no language file")
            catalog.defaultLanguage = catalog.languages.keys.sorted().first ?? defaultLanguage
        }
        let errors = reader.issues.contains { $0.severity == .error }
        return Result(catalog: errors ? nil : catalog, issues: reader.issues)
    }
}

/// `places.ht.yaml`, `routes.ht.yaml`, `replies/ht.yaml`: a translation of entries defined elsewhere.
func isLanguageAddition(_ path: String) -> Bool {
    let parts = (path as NSString).lastPathComponent.split(separator: ".").map(String.init)
    let isCode = { (s: String) in (2...3).contains(s.count) && s.allSatisfy { $0.isASCII && $0.isLowercase } }
    if path.hasPrefix("languages/") { return false }
    return parts.count >= 3 ? isCode(parts[parts.count - 2]) : (path.hasPrefix("replies/") && isCode(parts[0]))
}

/// A stable hash of the content, logged with every exchange (FNV-1a 64 over paths and texts).
enum ContentHash {
    static func of(_ files: [(String, String)]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (path, text) in files.sorted(by: { $0.0 < $1.0 }) {
            for byte in path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return String(hash, radix: 16)
    }
}

private struct Reader {
    var languages: [String: LanguagePack] = [:]
    var replies: [String: ReplyEntry] = [:]
    var places: [String: Place] = [:]
    var routes: [String: Route] = [:]
    var help: [HelpPoint] = []
    var menus: [String: [String]] = [:]
    var menuOrigins: [String: Origin] = [:]
    var issues: [ContentIssue] = []
    var file = ""

    mutating func issue(_ severity: ContentIssue.Severity, _ origin: Origin, _ message: String) {
        issues.append(ContentIssue(severity, origin, message))
    }
    func origin(_ node: Node?) -> Origin { Origin(file: file, line: node?.mark?.line ?? 0) }

    mutating func read(path: String, text: String) {
        file = path
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { return }
            root = node
        } catch let error as YamlError {
            issue(.error, Origin(file: path, line: Self.line(of: error)), "not valid YAML: \(Self.problem(of: error))")
            return
        } catch {
            issue(.error, Origin(file: path, line: 0), "not valid YAML: \(error)"); return
        }
        let name = (path as NSString).lastPathComponent
        switch true {
        case path.hasPrefix("languages/"): readLanguage(root)
        case path.hasPrefix("replies/"): readReplies(root)
        case name.hasPrefix("places."): readPlaces(root)
        case name.hasPrefix("routes."): readRoutes(root)
        case name.hasPrefix("help."): readHelp(root)
        case name.hasPrefix("menus."): readMenus(root)
        default: issue(.warning, origin(root), "file not used: put it in languages/ or replies/, or name it places, routes, help or menus")
        }
    }

    static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): return mark.line
        default: return 0
        }
    }
    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _): return problem
        default: return "\(error)"
        }
    }

    // MARK: node helpers

    mutating func mapping(_ node: Node?, _ what: String) -> [(String, Node, Node)]? {
        guard let node else { return nil }
        guard let mapping = node.mapping else {
            issue(.error, origin(node), "\(what) should be a list of 'name: value' lines"); return nil
        }
        return mapping.map { ($0.key.string ?? "", $0.key, $0.value) }
    }
    mutating func string(_ node: Node?, _ what: String, required: Bool = true, at parent: Node? = nil) -> String? {
        guard let node, node.scalar != nil, let value = node.string, !(node.null != nil && node.scalar?.style == .plain) else {
            if required { issue(.error, origin(node ?? parent), "\(what) is missing") }
            return nil
        }
        return value
    }
    mutating func strings(_ node: Node?, _ what: String) -> [Keyword] {
        guard let node else { return [] }
        if node.scalar != nil, let value = node.string { return [Keyword(text: value, origin: origin(node))] }
        guard let sequence = node.sequence else {
            issue(.error, origin(node), "\(what) should be a list like [a, b]"); return []
        }
        return sequence.compactMap { item in
            guard let text = item.string else { return nil }
            return Keyword(text: text, origin: origin(item))
        }
    }
    mutating func meta(_ node: Node, _ fields: [(String, Node, Node)], _ what: String) -> Meta {
        let get = { (key: String) in fields.first { $0.0 == key }?.2 }
        let meta = Meta(reviewed: get("reviewed")?.string, source: get("source")?.string, origin: origin(node))
        if meta.reviewed == nil { issue(.warning, origin(node), "\(what) has no 'reviewed:' date") }
        if meta.source == nil { issue(.warning, origin(node), "\(what) has no 'source:'") }
        return meta
    }
    /// Texts by language; each split into pages on lines holding only `---`.
    mutating func pages(_ fields: [(String, Node, Node)]) -> Pages {
        var pages: Pages = [:]
        for (key, _, value) in fields where Self.isLanguageCode(key) {
            guard let text = value.string else { issue(.error, origin(value), "the '\(key)' text should be plain text"); continue }
            pages[key] = Self.splitPages(text)
        }
        return pages
    }
    static func isLanguageCode(_ key: String) -> Bool {
        (2...3).contains(key.count) && key.allSatisfy { $0.isASCII && $0.isLowercase }
    }
    static func splitPages(_ text: String) -> [String] {
        var pages: [String] = [], current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces) == "---" {
                pages.append(current.joined(separator: "\n")); current = []
            } else { current.append(line) }
        }
        pages.append(current.joined(separator: "\n"))
        return pages.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    // MARK: files

    mutating func readLanguage(_ root: Node) {
        guard let fields = mapping(root, "a language file") else { return }
        let get = { (key: String) in fields.first { $0.0 == key }?.2 }
        guard let code = string(get("code"), "code", at: root) else { return }
        var pack = LanguagePack(
            code: code, name: string(get("name"), "name", at: root) ?? code,
            names: strings(get("names"), "names"),
            detect: strings(get("detect"), "detect").map(\.text), sms: [:], keywords: [:], labels: [:], ui: [:],
            origin: origin(root))
        for (key, _, value) in mapping(get("sms"), "sms") ?? [] { pack.sms[key] = value.string ?? "" }
        for (key, _, value) in mapping(get("sounds"), "sounds") ?? [] { pack.sounds.append((key, value.string ?? "")) }
        pack.numbers = strings(get("numbers"), "numbers").map(\.text)
        pack.personal = strings(get("personal"), "personal").map(\.text)
        for (key, _, value) in mapping(get("keywords"), "keywords") ?? [] { pack.keywords[key, default: []] += strings(value, "keywords of \(key)") }
        for (key, _, value) in mapping(get("labels"), "labels") ?? [] { pack.labels[key] = value.string ?? "" }
        for (key, _, value) in mapping(get("ui"), "ui") ?? [] { pack.ui[key] = value.string ?? "" }
        if let existing = languages[code] {
            issue(.error, origin(root), "language '\(code)' is defined twice (also \(existing.origin))")
        }
        languages[code] = pack
    }

    mutating func readReplies(_ root: Node) {
        for (id, keyNode, value) in mapping(root, "a replies file") ?? [] {
            guard let fields = mapping(value, "reply '\(id)'") else { continue }
            let texts = pages(fields)
            if var existing = replies[id] {
                merge(&existing.pages, texts, "reply '\(id)'", keyNode)
                replies[id] = existing
            } else {
                replies[id] = ReplyEntry(id: id, pages: texts, meta: meta(keyNode, fields, "reply '\(id)'"))
            }
        }
    }

    /// Another file adds languages to an entry (how a translator adds a language without touching other files);
    /// a language given twice is an error.
    mutating func merge(_ pages: inout Pages, _ more: Pages, _ what: String, _ node: Node) {
        for (code, texts) in more {
            if pages[code] != nil { issue(.error, origin(node), "\(what) has a second '\(code)' text") }
            pages[code] = texts
        }
    }

    mutating func list(_ root: Node, _ what: String) -> [(Node, [(String, Node, Node)])] {
        guard let sequence = root.sequence else { issue(.error, origin(root), "\(what) should be a list of entries starting with '- '"); return [] }
        return sequence.compactMap { item in mapping(item, "an entry of \(what)").map { (item, $0) } }
    }

    mutating func readPlaces(_ root: Node) {
        for (node, fields) in list(root, "places") {
            let get = { (key: String) in fields.first { $0.0 == key }?.2 }
            guard let slug = string(get("slug"), "slug", at: node) else { continue }
            let dangers = mapping(get("dangers"), "dangers of \(slug)") ?? []
            if var existing = places[slug] {
                merge(&existing.dangers, pages(dangers), "place '\(slug)'", node)
                existing.aliases += strings(get("aliases"), "aliases").map(\.text)
                places[slug] = existing
                continue
            }
            places[slug] = Place(
                slug: slug, name: string(get("name"), "name of \(slug)", at: node) ?? slug, state: get("state")?.string,
                route: get("route")?.string, aliases: strings(get("aliases"), "aliases").map(\.text),
                dangers: pages(dangers), meta: meta(node, fields, "place '\(slug)'"))
        }
    }

    mutating func readRoutes(_ root: Node) {
        for (node, fields) in list(root, "routes") {
            let get = { (key: String) in fields.first { $0.0 == key }?.2 }
            guard let slug = string(get("slug"), "slug", at: node) else { continue }
            var names: [String: String] = [:]
            for (code, _, value) in mapping(get("name"), "name of \(slug)") ?? [] { names[code] = value.string }
            if var existing = routes[slug] {
                existing.names.merge(names) { old, _ in old }
                merge(&existing.text, pages(mapping(get("text"), "text of \(slug)") ?? []), "route '\(slug)'", node)
                existing.aliases += strings(get("aliases"), "aliases").map(\.text)
                routes[slug] = existing
                continue
            }
            routes[slug] = Route(
                slug: slug, names: names, aliases: strings(get("aliases"), "aliases").map(\.text),
                places: strings(get("places"), "places").map(\.text),
                text: pages(mapping(get("text"), "text of \(slug)") ?? []), meta: meta(node, fields, "route '\(slug)'"))
        }
    }

    mutating func readHelp(_ root: Node) {
        for (node, fields) in list(root, "help points") {
            let get = { (key: String) in fields.first { $0.0 == key }?.2 }
            guard let id = string(get("id"), "id", at: node) else { continue }
            help.append(HelpPoint(
                id: id, kind: string(get("kind"), "kind of \(id)", at: node) ?? "other",
                name: string(get("name"), "name of \(id)", at: node) ?? id,
                place: get("place")?.string, phone: get("phone")?.string, address: get("address")?.string,
                verified: get("verified")?.bool ?? false, meta: meta(node, fields, "help point '\(id)'")))
        }
    }

    mutating func readMenus(_ root: Node) {
        for (id, keyNode, value) in mapping(root, "menus") ?? [] {
            menus[id] = strings(value, "menu \(id)").map(\.text)
            menuOrigins[id] = origin(keyNode)
        }
    }
}
