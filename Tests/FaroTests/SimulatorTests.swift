import CSQLite
import Channels
import Conversation
import FaroService
import Foundation
import Logging
import Simulation
import Store
import Synchronization
import Testing

/// A temporary folder removed at the end of a test.
final class Scratch {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("faro-sim-\(UUID().uuidString)")
    init() { try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ name: String, _ text: String) -> String {
        FileManager.default.createFile(atPath: path(name), contents: Data(text.utf8))
        return path(name)
    }
}

let simulatorKey = try! PseudonymKey(string: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")

/// One SQL value from a real database file (integrity checks and counts by the tests themselves).
func sqlValue(_ path: String, _ sql: String) -> String? {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { return nil }
    defer { sqlite3_close(db) }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
    defer { sqlite3_finalize(statement) }
    guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else { return nil }
    return String(cString: text)
}

@Suite struct SimulatorTests {
    static let traffic = """
    at,from,channel,text,expect_intent
    0,+5215550009001,sms,PELIGROS TENOSIQUE,dangers
    1,+5215550009002,sms,"hola, quiero saber mis derechos",rights
    2,+5215550009001,sms,this row has too many fields,x,y
    3,,sms,no sender
    4,+5215550009003,sms,SOS,emergency
    5,+5215550009002,sms,1,rights
    6,+5215550009003,sms,gracias,menu
    """

    @Test func replayLogsEveryExchangeUnderARunAndReportsBadRows() throws {
        let dir = Scratch()
        let file = dir.write("traffic.csv", Self.traffic)
        let results = dir.path("results.jsonl")
        FileManager.default.createFile(atPath: results, contents: nil)
        let store = try Store.open(path: dir.path("faro.sqlite"), key: simulatorKey)
        let runner = ReplayRunner(replay: Replay(engine: Fixtures.engine), store: store,
                                  results: FileHandle(forWritingAtPath: results), options: .init(progress: false))
        var failures: [String] = []
        #expect(try runner.run(files: [file]) { failures.append($0) })
        store.close()

        // Given 7 rows, 2 malformed: 5 exchanges logged, the 2 problems reported with their line numbers.
        #expect(runner.problems.map(\.line) == [4, 5])
        #expect(sqlValue(dir.path("faro.sqlite"), "SELECT count(*) FROM exchanges WHERE run_id = \(runner.runID)") == "5")
        #expect(sqlValue(dir.path("faro.sqlite"), "SELECT messages FROM runs WHERE id = \(runner.runID)") == "5")
        // The last line's expectation (gracias → menu) is wrong on purpose: reported, counted.
        #expect(runner.replay.summary.failed == 1)
        #expect(failures.contains { $0.contains(":8:") && $0.contains("intent: expected menu, got thanks") })
        // Results: one JSON object per message, in input order, with the contract's keys.
        let lines = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        for key in ["line", "from", "channel", "text", "lang", "intent", "topic", "place", "route", "reply", "encoding",
                    "segments", "latency_us", "ok"] { #expect(first.keys.contains(key), "\(key)") }
        #expect(first["place"] as? String == "tenosique")
        // Subscriber state survives: number 2 is in the rights menu, number 3 had an emergency escalated.
        let reopened = try Store.open(path: dir.path("faro.sqlite"), key: simulatorKey)
        defer { reopened.close() }
        let state = StateCoding.decode(try #require(try reopened.subscriber("+5215550009002")).state)
        #expect(state.last?.key == "rights.asylum")
        #expect(try reopened.openEscalations().count == 1)
    }

    @Test func privacyNoRawNumberInTheDatabaseOrLogs() async throws {
        let dir = Scratch()
        let numbers = ["+5215587654321", "+50499887766", "+33612345678"]
        let captured = LogCapture()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: simulatorKey)
        let service = FaroService(engine: Fixtures.engine, store: store, logger: Logger(label: "test") { _ in captured })
        for number in numbers {
            _ = try await service.handle(from: number, text: "SOS nos tienen encerrados en reynosa")
            _ = try await service.handle(from: number, text: "PELIGROS TIJUANA")
        }
        try store.checkpoint()
        store.close()
        var bytes = Data()
        for suffix in ["", "-wal"] { bytes += FileManager.default.contents(atPath: dir.path("faro.sqlite") + suffix) ?? Data() }
        let logs = captured.text
        #expect(logs.contains("emergency escalated"), "the escalation is logged")
        for number in numbers {
            let digits = String(number.dropFirst())
            #expect(bytes.range(of: Data(digits.utf8)) == nil, "\(number) stored raw")
            #expect(!logs.contains(digits), "\(number) in the logs")
        }
        #expect(!logs.contains("encerrados"), "message text in the logs")
    }

    @Test func generateIsDeterministic() {
        func texts(_ seed: UInt64) -> [String] {
            var generator = TrafficGenerator(seed: seed, subscribers: 50)
            return (0..<500).map { _ in let m = generator.next(); return "\(m.at) \(m.from) \(m.text)" }
        }
        #expect(texts(7) == texts(7))
        #expect(texts(7) != texts(8))
        let languages = Set(texts(7).map { Fixtures.engine.first(String($0.split(separator: " ", maxSplits: 2).last ?? "")).language })
        #expect(languages == ["es", "fr", "en"])
    }

    /// kill -9 mid-run: every result already emitted has its exchange in the database, which is intact.
    @Test func crashLosesNothingThatWasAnswered() async throws {
        let binary = Fixtures.root.appendingPathComponent(".build/debug/simulator").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("build the simulator first (swift build): \(binary) missing"); return
        }
        let dir = Scratch()
        var generator = TrafficGenerator(seed: 3, subscribers: 2_000)
        var csv = "at,from,channel,text\n"
        for _ in 0..<300_000 { let m = generator.next(); csv += "\(m.at),\(m.from),sms,\"\(m.text.replacingOccurrences(of: "\"", with: "\"\""))\"\n" }
        let traffic = dir.write("traffic.csv", csv)
        let results = dir.path("results.jsonl"), db = dir.path("faro.sqlite")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["replay", traffic, "--results", results, "--db", db, "--content", Fixtures.messages, "--quiet"]
        process.environment = ["FARO_PSEUDONYM_KEY": "0123456789abcdef0123456789abcdef"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until some results were emitted, then kill without warning.
        Self.wait(until: results, holds: 2_000_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        // A line cut by the kill was being written; only whole lines count as emitted (each was committed first).
        let output = try String(contentsOfFile: results, encoding: .utf8)
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        let emitted = lines.count
        let logged = Int(sqlValue(db, "SELECT count(*) FROM exchanges") ?? "0") ?? 0
        print("crash test: \(emitted) results emitted, \(logged) exchanges committed")
        #expect(emitted > 0)
        #expect(emitted < 300_000, "the run finished before the kill; nothing was tested")
        #expect(logged >= emitted)
        #expect(sqlValue(db, "PRAGMA integrity_check") == "ok")
        // The last emitted reply is the reply of a committed exchange at that position.
        let last = try JSONSerialization.jsonObject(with: Data(lines[emitted - 1].utf8)) as! [String: Any]
        let reply = sqlValue(db, "SELECT reply FROM exchanges ORDER BY id LIMIT 1 OFFSET \(emitted - 1)")
        #expect(reply == last["reply"] as? String)
    }
}

extension SimulatorTests {
    /// Blocks until the file at `path` holds `bytes`, or a minute passed. Blocking on purpose: a Task.sleep could
    /// resume only after the whole run, when the suite's other tests hold the cooperative pool (seen: a 300,000
    /// message replay finished before the test woke to interrupt it).
    static func wait(until path: String, holds bytes: Int) {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) < bytes {
            usleep(20_000)
        }
    }

    /// Ctrl-C: the run stops, flushes what was processed, prints the partial summary and exits 130.
    @Test func interruptFlushesAndSummarises() async throws {
        let binary = Fixtures.root.appendingPathComponent(".build/debug/simulator").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { Issue.record("build the simulator first"); return }
        let dir = Scratch()
        var generator = TrafficGenerator(seed: 4, subscribers: 500)
        var csv = "at,from,channel,text\n"
        for _ in 0..<300_000 { let m = generator.next(); csv += "\(m.at),\(m.from),sms,\"\(m.text.replacingOccurrences(of: "\"", with: "\"\""))\"\n" }
        let traffic = dir.write("traffic.csv", csv)
        let results = dir.path("results.jsonl"), db = dir.path("faro.sqlite"), out = dir.path("stdout.txt")
        FileManager.default.createFile(atPath: out, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["replay", traffic, "--results", results, "--db", db, "--content", Fixtures.messages, "--quiet"]
        process.environment = ["FARO_PSEUDONYM_KEY": "0123456789abcdef0123456789abcdef"]
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        Self.wait(until: results, holds: 1_000_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let summary = try String(contentsOfFile: out, encoding: .utf8)
        #expect(summary.contains("Interrupted") && summary.contains("Messages: "))
        let emitted = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n").count
        #expect(summary.contains("Messages: \(emitted)"), "every processed message was flushed and emitted")
        #expect(sqlValue(db, "SELECT count(*) FROM exchanges") == "\(emitted)")
        #expect(sqlValue(db, "SELECT messages FROM runs") == "\(emitted)")
        #expect(emitted < 300_000)
    }
}

/// Collects everything logged, to search it for personal data.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] } set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:]) \(metadata)") }
    }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

@Suite struct ContentReloadTests {
    /// The service's effects are written with the exchange that caused them: an emergency opens one escalation
    /// (pseudonym and place, no text), alerts subscribe the number to a route, STOP removes it.
    @Test func effectsAreCommittedWithTheirExchange() async throws {
        let dir = Scratch()
        let store = try Store.open(path: dir.path("faro.sqlite"), key: simulatorKey)
        defer { store.close() }
        let service = FaroService(engine: Fixtures.engine, store: store, logger: Logger(label: "test") { _ in LogCapture() })
        let phone = "+5215500000077"
        _ = try await service.handle(from: phone, text: "SOS nos tienen encerrados en reynosa")
        let open = try store.openEscalations()
        #expect(open.count == 1)
        #expect(open.first?.place == "reynosa")
        #expect(open.first?.pseudonym == store.pseudonym(for: phone))
        _ = try await service.handle(from: phone, text: "quiero alertas de la ruta del golfo")
        #expect(try store.subscribers(route: "golfo") == [phone])
        _ = try await service.handle(from: phone, text: "gracias")
        #expect(try store.subscribers(route: "golfo") == [phone], "a message that changes no route keeps the subscription")
        _ = try await service.handle(from: phone, text: "STOP")
        #expect(try store.subscribers(route: "golfo").isEmpty)
        #expect(try store.openEscalations().count == 1)
    }

    /// The gateway's deadline holds when the log cannot commit (another process holds the database): the service
    /// gives up waiting then, and the message is logged once the database frees.
    @Test(.timeLimit(.minutes(1)))
    func answersTheGatewayByItsDeadlineWhenTheLogCannotCommit() async throws {
        let dir = Scratch()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: simulatorKey, settings: .init(busyTimeout: .seconds(30)))
        defer { store.close() }
        let service = FaroService(engine: Fixtures.engine, store: store, logger: Logger(label: "test") { _ in LogCapture() })
        var other: OpaquePointer?
        #expect(sqlite3_open(path, &other) == SQLITE_OK)
        defer { sqlite3_close(other) }
        #expect(sqlite3_exec(other, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK)

        let start = ContinuousClock.now
        await #expect(throws: DeadlinePassed.self) {
            _ = try await service.handle(InboundMessage(from: "+5215500000078", text: "albergue en tapachula", provider: "kannel"),
                                         deadline: .now + .milliseconds(300))
        }
        #expect(ContinuousClock.now - start < .seconds(15))

        #expect(sqlite3_exec(other, "COMMIT", nil, nil, nil) == SQLITE_OK)
        while try store.counts().exchanges == 0 { try await Task.sleep(for: .milliseconds(20)) }
        let reply = try await service.handle(InboundMessage(from: "+5215500000078", text: "gracias", provider: "kannel"),
                                             deadline: .now + .seconds(60))
        #expect(reply.result?["intent"] == "thanks")
        #expect(try store.counts().exchanges == 2)
    }

    /// Staff edit the content of a running service: a good edit is served, a broken one is reported and ignored.
    @Test func reloadsGoodEditsAndKeepsServingThroughBrokenOnes() async throws {
        let dir = Scratch()
        let content = dir.path("messages")
        try FileManager.default.copyItem(atPath: Fixtures.messages, toPath: content)
        let store = try Store.open(path: dir.path("faro.sqlite"), key: simulatorKey)
        defer { store.close() }
        let captured = LogCapture()
        let logger = Logger(label: "test") { _ in captured }
        let service = FaroService(engine: Fixtures.engine, store: store, logger: logger)
        let watcher = ContentWatcher(directory: content, service: service, logger: logger)
        var fingerprint = ContentWatcher.fingerprint(content)
        let original = service.engine.catalog.version

        // A broken edit: the YAML does not parse.
        let thanksFile = content + "/languages/es.yaml"
        let good = try String(contentsOfFile: thanksFile, encoding: .utf8)
        try (good + "\n  broken: [unclosed\n").write(toFile: thanksFile, atomically: true, encoding: .utf8)
        #expect(!watcher.reloadIfChanged(since: &fingerprint))
        #expect(service.engine.catalog.version == original)
        #expect(captured.text.contains("languages/es.yaml"), "the broken file is named")
        let stillAnswers = try await service.handle(from: "+5215500000001", text: "gracias")
        #expect(stillAnswers.decision.command.intent == .thanks)

        // A good edit: a new thanks phrase.
        try good.replacingOccurrences(of: "  thanks: \"De nada.", with: "  thanks: \"Con gusto.")
            .write(toFile: thanksFile, atomically: true, encoding: .utf8)
        #expect(watcher.reloadIfChanged(since: &fingerprint))
        #expect(service.engine.catalog.version != original)
        let reply = try await service.handle(from: "+5215500000001", text: "gracias")
        #expect(reply.decision.reply.text.hasPrefix("Con gusto."))
    }
}

@Suite struct StateCodingTests {
    @Test(arguments: [
        SubscriberState(),
        SubscriberState(language: "fr", menu: "rights", last: .init(key: "dangers@tenosique", page: 2, intent: .dangers,
                        topic: nil, place: "tenosique", route: "golfo"), lastAt: 1_795_953_600.25, optedOut: true,
                        routes: ["golfo", "pa\"ci\\fico\n"]),
    ])
    func roundTrips(state: SubscriberState) {
        #expect(StateCoding.decode(StateCoding.encode(state)) == state)
    }

    @Test func corruptStateIsAFreshStart() {
        #expect(StateCoding.decode(Data("{not json".utf8)) == SubscriberState())
    }
}
