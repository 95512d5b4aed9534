import Synchronization

/// Commands already worked out for the same short text. Most SMS are the same few keywords ("AYUDA", "SOS", "2",
/// "PELIGROS TAPACHULA"), and understanding one is a pure function of the text, so the answer can be reused.
/// Two generations: a text in use stays (a hit moves it to the new one), and a flood of distinct texts cannot grow
/// the memo past twice its capacity. Only short texts are kept: long ones are rarely sent twice, and fewer of a
/// person's words stay in memory.
final class Memo: Sendable {
    static let longestText = 48  // UTF-8 bytes
    private struct Generations {
        var current: [String: Command] = [:]
        var previous: [String: Command] = [:]
    }
    private let generations = Mutex(Generations())
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    func command(for text: String, understanding: (String) -> Command) -> Command {
        guard text.utf8.count <= Self.longestText else { return understanding(text) }
        if let known = lookUp(text) { return known }
        let command = understanding(text)
        store(command, for: text)
        return command
    }

    private func lookUp(_ text: String) -> Command? {
        generations.withLock { g in
            if let known = g.current[text] { return known }
            guard let old = g.previous[text] else { return nil }
            Self.insert(old, for: text, into: &g, capacity: capacity)
            return old
        }
    }

    private func store(_ command: Command, for text: String) {
        generations.withLock { Self.insert(command, for: text, into: &$0, capacity: capacity) }
    }

    private static func insert(_ command: Command, for text: String, into g: inout Generations, capacity: Int) {
        if g.current.count >= capacity {
            g.previous = g.current
            g.current.removeAll(keepingCapacity: true)
        }
        g.current[text] = command
    }

    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }
}
