import Channels
import Content
import Conversation
import Foundation
import Store

/// The core behind the HTTP gateway: each channel adapter hands over an `InboundMessage` and gets an
/// `OutboundReply` only after the exchange is committed.
extension FaroService: MessageHandling {
    public func handle(_ message: InboundMessage, deadline: ContinuousClock.Instant) async throws -> OutboundReply {
        let outcome = try await Self.reportingDeadline {
            try await handle(from: message.from, text: message.text, channel: message.channel.rawValue,
                             session: message.session, at: message.receivedAt, deadline: deadline)
        }
        let d = outcome.decision
        return OutboundReply(text: d.reply.text, encoding: d.reply.encoding, segments: d.reply.segments,
                             endsSession: true, result: [
                                 "lang": d.language, "intent": d.command.intent.rawValue, "topic": d.command.topic,
                                 "place": d.command.place, "route": d.command.route,
                             ])
    }

    /// USSD: the screen follows from the session's input path alone; the menus are in the number's language.
    public func ussd(session: String, from: String, path: [String], deadline: ContinuousClock.Instant) async throws
        -> OutboundReply
    {
        let started = DispatchTime.now().uptimeNanoseconds
        let engine = self.engine
        let record = try store.subscriber(from)
        let language = record?.language ?? engine.catalog.defaultLanguage
        let navigator = USSDNavigator(catalog: engine.catalog, rendered: engine.conversation.rendered)
        let screen = navigator.screen(path: path, language: language)
        let info = SMS.info(screen.text)
        let latency = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000)
        try await Self.reportingDeadline {
            try await store.record(Exchange(
                at: Date(), from: from, channel: "ussd", session: session, text: path.joined(separator: "*"),
                language: language, intent: screen.intent.rawValue, topic: screen.topic, reply: screen.text,
                encoding: info.encoding.rawValue, segments: 1, contentVersion: engine.catalog.version,
                latencyMicros: latency), deadline: deadline)
        }
        return OutboundReply(text: screen.text, encoding: info.encoding.rawValue, segments: 1, endsSession: screen.end,
                             result: ["lang": language, "intent": screen.intent.rawValue, "topic": screen.topic,
                                      "place": nil, "route": nil])
    }

    public func floodNotice(for from: String) async -> String {
        let engine = self.engine
        let language = (try? store.subscriber(from))??.language ?? engine.catalog.defaultLanguage
        return engine.conversation.rendered.pages("ui.flood", language)?.first?.text ?? "FARO"
    }

    public func pseudonym(_ from: String) -> String { store.pseudonym(for: from) }

    /// The store's missed deadline, as the gateway knows it.
    static func reportingDeadline<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch StoreError.deadlinePassed { throw DeadlinePassed() }
    }
}
