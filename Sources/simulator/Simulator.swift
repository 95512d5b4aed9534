import ArgumentParser
import Conversation
import Foundation
import Simulation
import Store

@main
struct SimulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator", abstract: "Replay and generate Faro traffic.",
        subcommands: [ReplayCommand.self, GenerateCommand.self])
}

/// `simulator replay FILE...`: every line through the pipeline, every exchange logged to SQLite under a run id,
/// results as JSON Lines, a summary, and exit status 1 when an expectation fails (scenario files are tests).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Run traffic files through Faro.")
    @Argument(help: "Traffic files (CSV with header, or .jsonl).") var files: [String]
    @Option(help: "Write one JSON result per message here.") var results: String?
    @Option(help: "Content folder (env FARO_CONTENT).")
    var content: String = ProcessInfo.processInfo.environment["FARO_CONTENT"] ?? "messages"
    @Option(help: "SQLite database (env FARO_DB).") var db: String = ProcessInfo.processInfo.environment["FARO_DB"] ?? "faro.sqlite"
    @Option(help: "Replay speed: N times real time, or max.") var speed: String = "max"
    @Option(help: "Price of one SMS segment, for the cost line.") var price: Double = 0.05
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
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
