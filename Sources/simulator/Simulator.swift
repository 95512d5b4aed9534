import ArgumentParser
import Conversation
import Foundation
import Simulation
import Store

@main
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator", abstract: "Replay and generate Faro traffic.",
        subcommands: [ReplayCommand.self, GenerateCommand.self, BenchCommand.self])
}

/// `simulator replay FILE...`: every line through the pipeline, every exchange logged to SQLite under a run id,
/// results as JSON Lines, a summary, and exit status 1 when an expectation fails (scenario files are tests).
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Run traffic files through Faro.")
    @Argument(help: "Traffic files (CSV with header, or .jsonl).") var files: [String]
    @Option(help: "Write one JSON result per message here.") var results: String?
    @Option(help: "Content folder (env FARO_CONTENT).")
    var content: String = ProcessInfo.processInfo.environment["FARO_CONTENT"] ?? "messages"
    @Option(help: "SQLite database (env FARO_DB).") var db: String = ProcessInfo.processInfo.environment["FARO_DB"] ?? "faro.sqlite"
    @Option(help: "Replay speed: N times real time, or max.") var speed: String = "max"
    @Option(help: "Price of one SMS segment, for the cost line.") var price: Double = 0.05
    @Flag(help: "No progress output.") var quiet = false
    @Option(help: "Send the traffic to a running Faro at this URL instead of replaying in process.") var target: String?
    @Option(help: "Wire format with --target: kannel, twilio, ussd or json.") var channel: String = "json"
    @Option(help: "With --target: numbers sending at once (each number's messages stay in order).") var concurrency: Int = 1

    func run() async throws {
        if let target { return try await replayOverHTTP(target) }
        let (loaded, issues) = Engine.load(directory: content)
        guard let engine = loaded else {
            for issue in issues where issue.severity == .error { FileHandle.standardError.write(Data("\(issue)\n".utf8)) }
            throw ExitCode(2)
        }
        guard speed == "max" || Double(speed).map({ $0 > 0 }) == true else {
            throw ValidationError("--speed must be a positive number or max")
        }
        let output = try results.map { path -> FileHandle in
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write \(path)") }
            return handle
        }
        let store = try Store.open(path: db, key: try PseudonymKey.resolve(databasePath: db))
        defer { store.close() }
        let interruption = Interruption()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { interruption.request() }
        source.resume()

        let runner = ReplayRunner(replay: Replay(engine: engine), store: store, results: output,
                                  options: .init(speed: Double(speed), progress: !quiet), interrupted: interruption)
        let completed = try runner.run(files: files) { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        try output?.close()
        let summary = runner.replay.summary
        if !completed { print("Interrupted: partial summary of what was processed (all of it is in \(db)).") }
        print("Run \(runner.runID) logged to \(db)")
        print(summary.report(pricePerSegment: price))
        if !runner.problems.isEmpty { print("Rows skipped: \(runner.problems.count)") }
        if !completed { throw ExitCode(130) }
        if summary.failed > 0 { throw ExitCode(1) }
    }
}

extension ReplayCommand {
    /// Over HTTP, in the provider's wire format. Each number sends one message at a time, in file order (a phone
    /// waits for its answer); `concurrency` numbers send at once. Results are written in file order.
    func replayOverHTTP(_ target: String) async throws {
        guard let base = URL(string: target), let wire = HTTPTarget.Channel(rawValue: channel) else {
            throw ValidationError("--target needs a URL and --channel one of \(HTTPTarget.Channel.allCases.map(\.rawValue))")
        }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
        let output = try results.map { path -> FileHandle in
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write \(path)") }
            return handle
        }
        var messages: [(file: String, message: TrafficLine)] = []
        for file in files {
            for item in TrafficReader(path: file) {
                switch item {
                case .message(let message): messages.append((file, message))
                case .problem(let problem): FileHandle.standardError.write(Data("\(problem)\n".utf8))
                }
            }
        }
        let started = Date()
        let outcomes = await Self.send(messages.map(\.message), to: base, as: wire, lanes: concurrency)
        var failed = 0, errors = 0, statuses: [Int: Int] = [:], latencies: [Int] = []
        for ((file, message), outcome) in zip(messages, outcomes) {
            switch outcome {
            case .success(let result):
                statuses[result.status, default: 0] += 1
                latencies.append(result.latencyMicros)
                let failures = HTTPTarget.failures(message, result)
                let checked = !message.expectations.isEmpty || result.status != 200
                if !failures.isEmpty {
                    failed += 1
                    FileHandle.standardError.write(Data("\(file):\(message.line): \(failures.joined(separator: "; ")) — text: \(message.text)\n".utf8))
                }
                output?.write(Data((HTTPTarget.json(message, result, ok: checked ? failures.isEmpty : nil, channel: wire) + "\n").utf8))
            case .failure(let error):
                errors += 1
                FileHandle.standardError.write(Data("\(file):\(message.line): request failed: \(error)\n".utf8))
            }
        }
        try output?.close()
        latencies.sort()
        let p = { (q: Double) in latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count - 1) * q))] }
        print("Sent \(messages.count) messages to \(target) as \(wire.rawValue) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        print("HTTP status: " + statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))
        print("Latency: p50 \(p(0.5)) µs, p99 \(p(0.99)) µs; request errors: \(errors); expectations failed: \(failed)")
        if failed > 0 || errors > 0 { throw ExitCode(1) }
    }

    /// Sends `messages` from `lanes` tasks at once; all messages of a number go through one lane, in order.
    /// The outcomes come back in the order of `messages`.
    static func send(_ messages: [TrafficLine], to base: URL, as wire: HTTPTarget.Channel, lanes: Int) async
        -> [Swift.Result<HTTPTarget.Result, any Error>]
    {
        let byLane = Dictionary(grouping: messages.indices) { Int(UInt(bitPattern: messages[$0].from.hashValue) % UInt(lanes)) }
        var outcomes = [Swift.Result<HTTPTarget.Result, any Error>?](repeating: nil, count: messages.count)
        await withTaskGroup(of: [(Int, Swift.Result<HTTPTarget.Result, any Error>)].self) { group in
            for indices in byLane.values {
                group.addTask {
                    let http = HTTPTarget(base: base, channel: wire)   // its own USSD sessions
                    var sent: [(Int, Swift.Result<HTTPTarget.Result, any Error>)] = []
                    for index in indices {
                        do { sent.append((index, .success(try await http.send(messages[index])))) } catch { sent.append((index, .failure(error))) }
                    }
                    return sent
                }
            }
            for await sent in group { for (index, outcome) in sent { outcomes[index] = outcome } }
        }
        return outcomes.map { $0! }
    }
}

/// `simulator generate`: realistic synthetic traffic; the same seed gives the same file.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Write synthetic traffic as CSV.")
    @Option(help: "Number of messages.") var messages: Int = 1_000
    @Option(help: "Number of distinct phone numbers.") var subscribers: Int = 100
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Share of Spanish.") var es: Double = 0.6
    @Option(help: "Share of French.") var fr: Double = 0.2
    @Option(help: "Share of English.") var en: Double = 0.2
    @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

    func run() throws {
        var generator = TrafficGenerator(seed: seed, subscribers: subscribers, shares: .init(es: es, fr: fr, en: en))
        let handle: FileHandle
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            guard let h = FileHandle(forWritingAtPath: output) else { throw ValidationError("cannot write \(output)") }
            handle = h
        } else { handle = .standardOutput }
        var buffer = "at,from,channel,text\n"
        for _ in 0..<messages {
            let m = generator.next()
            buffer += "\(m.at),\(m.from),sms,\(CSV.quote(m.text))\n"
            if buffer.utf8.count > 1 << 16 { handle.write(Data(buffer.utf8)); buffer = "" }
        }
        handle.write(Data(buffer.utf8))
    }
}

enum CSV {
    /// RFC 4180: quote when the field has a comma, quote or line break; double inner quotes.
    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// `simulator bench`: replays generated traffic with full logging (release build) and prints messages/second and
/// memory as the run goes, beside the ceiling: the same number of rows inserted by a bare prepared statement.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure replay with logging against bare SQLite inserts.")
    @Option(help: "Messages to replay.") var messages: Int = 1_000_000
    @Option(help: "Distinct phone numbers.") var subscribers: Int = 10_000
    @Option(help: "Content folder.") var content: String = ProcessInfo.processInfo.environment["FARO_CONTENT"] ?? "messages"
    @Option(help: "Folder for the generated traffic and databases (removed afterwards).") var scratch: String = NSTemporaryDirectory()

    func run() throws {
        guard let engine = Engine.load(directory: content).engine else { throw ValidationError("content has errors") }
        let dir = (scratch as NSString).appendingPathComponent("faro-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let traffic = (dir as NSString).appendingPathComponent("traffic.csv")
        var generator = TrafficGenerator(seed: 1, subscribers: subscribers)
        _ = FileManager.default.createFile(atPath: traffic, contents: nil)
        let handle = FileHandle(forWritingAtPath: traffic)!
        var buffer = "at,from,channel,text\n"
        for _ in 0..<messages {
            let m = generator.next()
            buffer += "\(m.at),\(m.from),sms,\(CSV.quote(m.text))\n"
            if buffer.utf8.count > 1 << 16 { handle.write(Data(buffer.utf8)); buffer = "" }
        }
        handle.write(Data(buffer.utf8)); try handle.close()

        let db = (dir as NSString).appendingPathComponent("replay.sqlite")
        let store = try Store.open(path: db, key: try PseudonymKey(string: "benchmark key, not a secret: 0123456789"))
        let runner = ReplayRunner(replay: Replay(engine: engine), store: store, results: nil,
                                  options: .init(progress: false))
        let start = Date()
        var samples: [String] = []
        runner.onProgress = { done in if done % (messages / 10) == 0 { samples.append("\(Memory.currentMB())") } }
        _ = try runner.run(files: [traffic]) { _ in }
        let seconds = Date().timeIntervalSince(start)
        store.close()
        let rate = Double(messages) / seconds
        print(String(format: "replay with full logging: %d messages in %.2f s = %.0f messages/s", messages, seconds, rate))
        print("resident memory during the run (MB): " + samples.joined(separator: " "))
        print("peak resident memory: \(Memory.peakMB()) MB")
        print(StoreBenchmark.run(rows: messages, path: (dir as NSString).appendingPathComponent("ceiling.sqlite")))
    }
}

/// Resident memory from /proc (Linux).
enum Memory {
    static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "0") ?? 0) / 1024
    }
    static func currentMB() -> Int { field("VmRSS:") }
    static func peakMB() -> Int { field("VmHWM:") }
}
