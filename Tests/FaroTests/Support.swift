import Content
import Conversation
import Foundation
import Gateway
import Simulation

/// Paths and the engine built from the real `messages/` folder, shared by the tests.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let messages = root.appendingPathComponent("messages").path
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    /// The shipped content, loaded once. A broken content folder fails the tests that use it, with the issues.
    static let loaded = Engine.load(directory: messages)
    static var engine: Engine {
        guard let engine = loaded.engine else {
            fatalError("messages/ does not load:\n" + loaded.issues.filter { $0.severity == .error }.map(\.description).joined(separator: "\n"))
        }
        return engine
    }

    /// Fixed clock for transcripts: 2026-11-29 12:00 UTC.
    static let noon = 1_795_953_600.0
}

extension Engine {
    /// One message from a fresh phone.
    func first(_ text: String) -> Decision { handle(text: text, state: SubscriberState(), now: Fixtures.noon) }

    /// A conversation from one phone; returns each decision.
    func conversation(_ texts: [String], start: Double = Fixtures.noon) -> [Decision] {
        var state = SubscriberState()
        return texts.enumerated().map { i, text in
            let d = handle(text: text, state: state, now: start + Double(i) * 30)
            state = d.state
            return d
        }
    }
}
