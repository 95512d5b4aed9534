import Channels
import Conversation
import FaroService
import Gateway

/// One line of a results file (DESIGN.md "Results"), written as JSON with the keys in contract order.
public struct ReplayResult: Sendable {
    public init(line: Int, from: String, channel: String, text: String, decision: Decision, latencyMicros: Int,
                ok: Bool?, failures: [String]) {
        self.line = line; self.from = from; self.channel = channel; self.text = text; self.decision = decision
        self.latencyMicros = latencyMicros; self.ok = ok; self.failures = failures
    }

    public var line: Int
    public var from: String
    public var channel: String
    public var text: String
    public var decision: Decision
    public var latencyMicros: Int
    /// nil when the line had no expectations; else whether all held.
    public var ok: Bool?
    public var failures: [String]

    public var json: String {
        let c = decision.command
        var out = "{\"line\":\(line),\"from\":\(JSON.quote(from)),\"channel\":\(JSON.quote(channel)),"
        out += "\"text\":\(JSON.quote(text)),\"lang\":\(JSON.quote(decision.language)),"
        out += "\"intent\":\(JSON.quote(c.intent.rawValue)),\"topic\":\(JSON.quote(c.topic)),"
        out += "\"place\":\(JSON.quote(c.place)),\"route\":\(JSON.quote(c.route)),"
        out += "\"reply\":\(JSON.quote(decision.reply.text)),\"encoding\":\(JSON.quote(decision.reply.encoding)),"
        out += "\"segments\":\(decision.reply.segments),\"latency_us\":\(latencyMicros)"
        if let ok { out += ",\"ok\":\(ok)" }
        return out + "}"
    }
}
