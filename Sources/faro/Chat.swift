import ArgumentParser
import Conversation
import Foundation
import Simulation

/// `faro chat`: a phone conversation in the terminal, with memory between messages.
struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Talk to Faro as a phone would.")
    @OptionGroup var options: CommonOptions
    @Option(help: "Sender's phone number.") var from: String = "+520000000000"

    func run() throws {
        let replay = Replay(engine: try options.engine())
        print("Faro chat: type a message as an SMS (Ctrl-D to quit).")
        var line = 1
        while true {
            print("> ", terminator: "")
            guard let text = readLine() else { break }
            let message = TrafficLine(line: line, at: Date().timeIntervalSince1970, from: from, channel: "sms",
                                      text: text, session: nil, expectations: [:])
            print(PhoneView.render(replay.run(message)) + "\n")
            line += 1
        }
    }
}
