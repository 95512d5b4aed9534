import ArgumentParser
import Content
import Conversation
import FaroService
import Logging
import Foundation
import Store

/// Settings every command shares; flags win over environment variables, which win over defaults.
struct CommonOptions: ParsableArguments {
    @Option(help: "Content folder (env FARO_CONTENT).")
    var content: String = ProcessInfo.processInfo.environment["FARO_CONTENT"] ?? "messages"

    @Option(help: "Most SMS segments one reply may use.")
    var budget: Int = 3

    @Option(help: "SQLite database, created on first use (env FARO_DB).")
    var db: String = ProcessInfo.processInfo.environment["FARO_DB"] ?? "faro.sqlite"

    /// Engine and store: subscriber state and the log live in the database, shared by ask, chat and serve.
    func service(logger: Logger = Logger(label: "faro"), store settings: Store.Settings = Store.Settings()) throws -> FaroService {
        let key = try PseudonymKey.resolve(databasePath: db, logger: logger)
        return FaroService(engine: try engine(), store: try Store.open(path: db, key: key, settings: settings, logger: logger),
                           logger: logger)
    }

    /// Builds the engine or exits with every content problem printed, file and line.
    func engine() throws -> Engine {
        let (engine, issues) = Engine.load(directory: content, budget: budget)
        guard let engine else {
            for issue in issues where issue.severity == .error { FileHandle.standardError.write(Data("\(issue)\n".utf8)) }
            throw ValidationError("the content in '\(content)' has errors; run `faro content check \(content)`")
        }
        return engine
    }
}
