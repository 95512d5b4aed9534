import ArgumentParser
import Conversation
import Foundation
import Simulation

/// `faro ask TEXT`: one message in, the reply as a phone shows it.
struct Ask: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send one message and print the reply.")
    @OptionGroup var options: CommonOptions
    @Option(help: "Sender's phone number.") var from: String = "+520000000000"
    @Flag(help: "Print the result object (DESIGN.md) as JSON.") var json = false
    @Flag(help: "Show how the text was understood (keyword hits, language votes).") var explain = false
    @Argument(help: "The message text.") var text: [String]

    func run() async throws {
        let service = try options.service()
        defer { service.store.close() }
        let message = text.joined(separator: " ")
        if explain { print(service.engine.gateway.explain(message)) }
        let outcome = try await service.handle(from: from, text: message)
        let result = ReplayResult(line: 1, from: from, channel: "sms", text: message, decision: outcome.decision,
                                  latencyMicros: outcome.latencyMicros, ok: nil, failures: [])
        print(json ? result.json : PhoneView.render(result))
    }
}

/// How a reply looks on the phone, with what it costs.
enum PhoneView {
    static func render(_ result: ReplayResult) -> String {
        let d = result.decision, c = d.command
        var about = "\(c.intent.rawValue)"
        if let topic = c.topic { about += " · \(topic)" }
        if let place = c.place { about += " · \(place)" }
        if let route = c.route { about += " · route \(route)" }
        return """
        \(d.reply.text)
        ── \(d.reply.encoding), \(d.reply.segments) SMS · \(about) · \(d.language)
        """
    }
}
