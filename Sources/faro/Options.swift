import ArgumentParser
import Content
import Conversation
import Foundation

/// Settings every command shares; flags win over environment variables, which win over defaults.
struct CommonOptions: ParsableArguments {
    @Option(help: "Content folder (env FARO_CONTENT).")
    var content: String = ProcessInfo.processInfo.environment["FARO_CONTENT"] ?? "messages"

    @Option(help: "Most SMS segments one reply may use.")
    var budget: Int = 3

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
