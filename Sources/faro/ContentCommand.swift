import ArgumentParser
import Content
import Conversation
import Foundation

struct ContentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "content", abstract: "Check and preview the content.",
                                                    subcommands: [Check.self, Preview.self])

    /// `faro content check [DIR]`: every problem with file and line; exit 1 on errors (CI gates on it).
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report every problem in the content, with file and line.")
        @Argument(help: "Content folder.") var directory: String = ProcessInfo.processInfo.environment["FARO_CONTENT"] ?? "messages"
        @Option(help: "Most SMS segments one reply may use.") var budget: Int = 3
        @Option(help: "Reviews older than this many days are reported.") var staleDays: Int = 180

        func run() throws {
            let issues = ContentLint.check(directory: directory, budget: budget, staleDays: staleDays,
                                           today: Date())
            for issue in issues { print(issue) }
            let errors = issues.filter { $0.severity == .error }.count
            print("\(errors) errors, \(issues.count - errors) warnings in \(directory)")
            if errors > 0 { throw ExitCode(1) }
        }
    }

    /// `faro content preview KEY`: a reply in every language, as phones show it.
    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a reply in every language (e.g. rights.asylum, dangers@tenosique).")
        @OptionGroup var options: CommonOptions
        @Argument(help: "Reply key; omit to list them.") var key: String?

        func run() throws {
            let engine = try options.engine()
            let rendered = engine.conversation.rendered
            guard let key else { print(rendered.keys.joined(separator: "\n")); return }
            for code in engine.catalog.languageCodes {
                for (i, page) in (rendered.pages(key, code) ?? []).enumerated() {
                    print("[\(code) page \(i + 1)] \(page.info.encoding.rawValue), \(page.info.segments) SMS\n\(page.text)\n")
                }
            }
        }
    }
}
