import ArgumentParser
import Conversation
import Foundation
import Simulation

/// `faro ask TEXT`: one message in, the reply as a phone shows it.
struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send one message and print the reply.")
    @OptionGroup var options: CommonOptions
    @Option(help: "Sender's phone number.") var from: String = "+520000000000"
    @Flag(help: "Print the result object (DESIGN.md) as JSON.") var json = false
    @Flag(help: "Show how the text was understood (keyword hits, language votes).") var explain = false
    @Argument(help: "The message text.") var text: [String]

    func run() throws {
        let engine = try options.engine()
        if explain { print(engine.gateway.explain(text.joined(separator: " "))) }
        let replay = Replay(engine: engine)
        let message = TrafficLine(line: 1, at: 0, from: from, channel: "sms", text: text.joined(separator: " "),
                                  session: nil, expectations: [:])
        let result = replay.run(message)
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
