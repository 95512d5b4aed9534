import Content
import ArgumentParser
import Conversation
import FaroService
import Foundation
import Gateway
import Logging
import Simulation
import Store

/// `faro bench`: messages/second for understand + decide + render over a generated mix, single core, beside a bare
/// PCRE2 JIT match of the same texts. `--service` also measures the whole service (state, SQLite commit before each
/// answer) one message at a time and with 64 at once, as the HTTP gateway runs it. Build with `-c release`.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure the pipeline against a bare PCRE2 match.")
    @OptionGroup var options: CommonOptions
    @Option(help: "Messages in the mix.") var messages: Int = 100_000
    @Option(help: "Seed of the generated mix.") var seed: UInt64 = 1
    @Flag(help: "Also measure the service with its SQLite log (a temporary database).") var service = false

    func run() async throws {
        let engine = try options.engine()
        var generator = TrafficGenerator(seed: seed, subscribers: 1_000)
        let mix = (0..<messages).map { _ in generator.next() }
        let baseline = try BareMatch(catalog: engine.catalog)

        var matched = 0
        let bare = Self.measure { for m in mix where baseline.matches(m.text) { matched += 1 } }
        var states: [String: SubscriberState] = [:]
        var segments = 0
        let full = Self.measure {
            for m in mix {
                let d = engine.handle(text: m.text, state: states[m.from] ?? SubscriberState(), now: m.at)
                states[m.from] = d.state
                segments += d.reply.segments
            }
        }
        var chars = 0
        let normalizing = Self.measure { for m in mix { chars += Normalizer.normalize(m.text).utf8.count } }
        var understood = 0
        let understanding = Self.measure { for m in mix where engine.gateway.understand(m.text).intent != .unknown { understood += 1 } }
        print(String(format: "  of which normalize: %.2f µs, understand (incl. normalize): %.2f µs, decide + render: %.2f µs per message",
                     normalizing / Double(messages) * 1e6, understanding / Double(messages) * 1e6, (full - understanding) / Double(messages) * 1e6))
        let bareRate = Double(messages) / bare, fullRate = Double(messages) / full
        print(String(format: "bare PCRE2 JIT match (%d aliases): %.0f messages/s (%d of %d matched)", baseline.aliases, bareRate, matched, messages))
        print(String(format: "full pipeline (understand + decide + render): %.0f messages/s (%d segments)", fullRate, segments))
        print(String(format: "cost of the pipeline: %.2f× the bare match", bareRate / fullRate))
        if service { try await measureService(engine: engine, mix: Array(mix.prefix(50_000))) }
    }

    /// The service (state, effects, the exchange committed before the answer) on a temporary database.
    func measureService(engine: Engine, mix: [TrafficGenerator.Message]) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faro-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store.open(path: dir + "/faro.sqlite", key: PseudonymKey(bytes: Array(repeating: 7, count: 32)))
        defer { store.close() }
        let service = FaroService(engine: engine, store: store, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        for concurrency in [1, 64] {
            let cpu0 = Self.cpuSeconds(), start = DispatchTime.now().uptimeNanoseconds
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        for m in stride(from: lane, to: mix.count, by: concurrency).map({ mix[$0] }) {
                            _ = try await service.handle(from: m.from, text: m.text)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu = Self.cpuSeconds() - cpu0
            print(String(format: "service with SQLite log, %d at a time: %.0f messages/s, %.1f µs of CPU per message",
                         concurrency, Double(mix.count) / wall, cpu / Double(mix.count) * 1e6))
        }
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func measure(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// The baseline a keyword SMS platform would run: one caseless `\b(?:alias|…)\b` search over the raw text.
struct BareMatch {
    let pattern: PCRE2Pattern
    let aliases: Int
    let data: OpaquePointer

    init(catalog: Content.Catalog) throws {
        var words: Set<String> = []
        for pack in catalog.languages.values { for list in pack.keywords.values { for k in list where !k.text.hasPrefix("re:") { words.insert(k.text.replacingOccurrences(of: "*", with: "")) } } }
        for place in catalog.places.values { words.insert(place.name); words.formUnion(place.aliases) }
        // Up to 1,000 aliases (more than a keyword platform carries; PCRE2 caps a pattern's compiled size).
        var escaped = words.sorted().map { NSRegularExpression.escapedPattern(for: $0) }
        var compiled: PCRE2Pattern?
        while compiled == nil, !escaped.isEmpty {
            escaped = Array(escaped.prefix(min(escaped.count, 1_000)))
            compiled = try? PCRE2Pattern("\\b(?:" + escaped.sorted { $0.count > $1.count }.joined(separator: "|") + ")\\b", caseless: true)
            if compiled == nil { escaped = Array(escaped.prefix(escaped.count * 3 / 4)) }
        }
        aliases = escaped.count
        pattern = compiled!
        data = pattern.makeMatchData()!
    }

    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { pattern.firstMatch(in: $0, data: data) }
    }
}
