import ArgumentParser
import Conversation
import Foundation
import Simulation

/// `faro chat`: a phone conversation in the terminal, with memory between messages.
struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Talk to Faro as a phone would.")
    @OptionGroup var options: CommonOptions
    @Option(help: "Sender's phone number.") var from: String = "+520000000000"

    func run() async throws {
        let service = try options.service()
        defer { service.store.close() }
        print("Faro chat as \(from): type a message as an SMS (Ctrl-D to quit). Replies are logged to \(options.db).")
        var line = 1
        while true {
            FileHandle.standardOutput.write(Data("> ".utf8))
            guard let text = readLine() else { break }
            let outcome = try await service.handle(from: from, text: text)
            let result = ReplayResult(line: line, from: from, channel: "sms", text: text, decision: outcome.decision,
                                      latencyMicros: outcome.latencyMicros, ok: nil, failures: [])
            print(PhoneView.render(result) + "\n")
            line += 1
        }
    }
}
