import Content
import Conversation
import Foundation
import Gateway

/// Runs traffic through the same pipeline as the server, with per-number state, checking expectations.
public final class Replay {
    public let engine: Engine
    private var states: [String: SubscriberState] = [:]
    private var patterns: [String: PCRE2Pattern] = [:]
    public private(set) var summary = ReplaySummary()
    /// Seconds since 1970 that `at = 0` maps to.
    public let epoch: Double

    public init(engine: Engine, epoch: Double = Date().timeIntervalSince1970) {
        self.engine = engine; self.epoch = epoch
    }

    public func state(of from: String) -> SubscriberState { states[from] ?? SubscriberState() }
    /// Every number seen and its state now.
    public var allStates: [String: SubscriberState] { states }

    /// Seconds since 1970 of a message: ISO-8601 times as given, offsets from the run's epoch.
    public func time(of message: TrafficLine) -> Double {
        message.at > 1_000_000_000 ? message.at : epoch + message.at
    }

    public func run(_ message: TrafficLine) -> ReplayResult {
        let now = time(of: message)
        let started = DispatchTime.now().uptimeNanoseconds
        let decision = engine.handle(text: message.text, state: states[message.from] ?? SubscriberState(), now: now)
        let latency = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000)
        states[message.from] = decision.state
        let failures = check(message, decision)
        let result = ReplayResult(line: message.line, from: message.from, channel: message.channel, text: message.text,
                                  decision: decision, latencyMicros: latency,
                                  ok: message.expectations.isEmpty ? nil : failures.isEmpty, failures: failures)
        summary.add(result)
        return result
    }

    /// Expectations of a line that do not hold, each as a sentence.
    func check(_ message: TrafficLine, _ decision: Decision) -> [String] {
        guard !message.expectations.isEmpty else { return [] }
        var failures: [String] = []
        let c = decision.command
        let actual: [String: String?] = [
            "expect_intent": c.intent.rawValue, "expect_lang": decision.language, "expect_topic": c.topic,
            "expect_place": c.place, "expect_route": c.route,
        ]
        for (key, expected) in message.expectations.sorted(by: { $0.key < $1.key }) {
            if key == "expect" {
                if let pattern = pattern(expected) {
                    if pattern.matches(in: decision.reply.text).isEmpty { failures.append("reply does not match /\(expected)/") }
                } else { failures.append("expect /\(expected)/ is not a valid regular expression") }
            } else if let value = actual[key] {
                if (value ?? "") != expected { failures.append("\(key.dropFirst(7)): expected \(expected), got \(value ?? "none")") }
            }
        }
        return failures
    }

    private func pattern(_ source: String) -> PCRE2Pattern? {
        if let cached = patterns[source] { return cached }
        let compiled = try? PCRE2Pattern(source)
        patterns[source] = compiled
        return compiled
    }
}

/// Counts for the end-of-run report.
public struct ReplaySummary: Sendable {
    public var messages = 0
    public var failed = 0
    private var intentCounts = [Int](repeating: 0, count: Intent.allCases.count)
    public var byIntent: [String: Int] {
        Dictionary(uniqueKeysWithValues: zip(Intent.allCases.map(\.rawValue), intentCounts).filter { $0.1 > 0 })
    }
    public var byLanguage: [String: Int] = [:]
    public var byChannel: [String: Int] = [:]
    public var unknownTexts: [String: Int] = [:]
    public var segments = 0
    /// Latency histogram in microseconds (index = µs, last bucket = 10 ms or more): memory stays flat.
    public var latencies = [Int](repeating: 0, count: 10_001)

    mutating func add(_ r: ReplayResult) {
        messages += 1
        if r.ok == false { failed += 1 }
        intentCounts[Intent.allCases.firstIndex(of: r.decision.command.intent)!] += 1
        byLanguage[r.decision.language, default: 0] += 1
        byChannel[r.channel, default: 0] += 1
        if r.decision.command.intent == .unknown, unknownTexts.count < 10_000 || unknownTexts[r.text] != nil {
            unknownTexts[String(r.text.prefix(60)), default: 0] += 1
        }
        segments += r.decision.reply.segments
        latencies[min(max(0, r.latencyMicros), latencies.count - 1)] += 1
    }

    public func percentile(_ p: Double) -> Int {
        let total = latencies.reduce(0, +)
        guard total > 0 else { return 0 }
        let rank = Int((Double(total - 1) * p).rounded(.down)) + 1
        var seen = 0
        for (micros, count) in latencies.enumerated() {
            seen += count
            if seen >= rank { return micros }
        }
        return latencies.count - 1
    }

    public func report(pricePerSegment: Double) -> String {
        func table(_ counts: [String: Int]) -> String {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "  \($0.key.padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.value)" }.joined(separator: "\n")
        }
        let unknown = byIntent["unknown"] ?? 0
        var lines = ["Messages: \(messages)" + (failed > 0 ? ", expectations failed: \(failed)" : "")]
        lines += ["By intent:", table(byIntent), "By language:", table(byLanguage), "By channel:", table(byChannel)]
        let share = messages == 0 ? 0 : Double(unknown) * 100 / Double(messages)
        lines.append(String(format: "Unknown: %d (%.1f%%)", unknown, share))
        let top = unknownTexts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10)
        if !top.isEmpty { lines.append("Most frequent unknown texts (add keywords for these):") }
        for (text, count) in top { lines.append("  \(count)× \(text)") }
        lines.append(String(format: "Segments: %d, cost %.2f at %.4f per segment", segments, Double(segments) * pricePerSegment, pricePerSegment))
        lines.append("Latency: p50 \(percentile(0.5)) µs, p99 \(percentile(0.99)) µs")
        return lines.joined(separator: "\n")
    }
}
