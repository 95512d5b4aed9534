import ArgumentParser
import Conversation
import Foundation
import Simulation

@main
struct SimulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator", abstract: "Replay and generate Faro traffic.",
        subcommands: [ReplayCommand.self, GenerateCommand.self])
}

/// `simulator replay FILE...`: every line through the pipeline, results as JSON Lines, a summary, and exit status 1
/// when an expectation fails (so scenario files are conversation tests).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Run traffic files through Faro.")
    @Argument(help: "Traffic files (CSV with header, or .jsonl).") var files: [String]
    @Option(help: "Write one JSON result per message here.") var results: String?
    @Option(help: "Content folder (env FARO_CONTENT).")
    var content: String = ProcessInfo.processInfo.environment["FARO_CONTENT"] ?? "messages"
    @Option(help: "Price of one SMS segment, for the cost line.") var price: Double = 0.05
    @Flag(help: "Print every failed expectation.") var verbose = false

    func run() throws {
        let (loaded, issues) = Engine.load(directory: content)
        guard let engine = loaded else {
            for issue in issues where issue.severity == .error { FileHandle.standardError.write(Data("\(issue)\n".utf8)) }
            throw ExitCode(2)
        }
        let output = try results.map { path -> FileHandle in
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write \(path)") }
            return handle
        }
        let replay = Replay(engine: engine)
        var problems = 0
        var buffer = ""
        for file in files {
            for item in TrafficReader(path: file) {
                switch item {
                case .problem(let problem):
                    problems += 1
                    FileHandle.standardError.write(Data("\(problem)\n".utf8))
                case .message(let message):
                    let result = replay.run(message)
                    if result.ok == false {
                        FileHandle.standardError.write(Data("\(file):\(message.line): \(result.failures.joined(separator: "; ")) — text: \(message.text)\n".utf8))
                    }
                    if output != nil {
                        buffer += result.json + "\n"
                        if buffer.utf8.count > 1 << 16 { output?.write(Data(buffer.utf8)); buffer = "" }
                    }
                }
            }
        }
        output?.write(Data(buffer.utf8))
        try output?.close()
        print(replay.summary.report(pricePerSegment: price))
        if problems > 0 { print("Rows skipped: \(problems)") }
        if replay.summary.failed > 0 { throw ExitCode(1) }
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
