import ArgumentParser
import Channels
import FaroService
import Foundation
import Logging
import Server
import Store

/// `faro serve`: the HTTP gateway (Kannel, Twilio, Africa's Talking USSD, JSON) over the core, with content
/// reloading and the alert outbox. With no flags: 127.0.0.1:8080, faro.sqlite, messages/.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve SMS and USSD over HTTP.")
    @OptionGroup var options: CommonOptions
    @Option(help: "Address to bind (env FARO_HOST).") var host: String?
    @Option(help: "Port (env FARO_PORT).") var port: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"
    @Option(help: "Kannel sendsms URL for alerts (env FARO_KANNEL_SENDSMS_URL), e.g. http://127.0.0.1:13013/cgi-bin/sendsms.")
    var sendsmsURL: String? = ProcessInfo.processInfo.environment["FARO_KANNEL_SENDSMS_URL"]
    @Option(help: "Alerts per second through sendsms.") var alertsPerSecond: Double = 10

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var settings: ServerSettings
        do { settings = try ServerSettings(environment: environment) } catch { throw ValidationError(error.description) }
        if let host { settings.host = host }
        if let port { settings.port = port }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "faro")
        // Many senders at once: a commit waits up to 20 ms for more rows, less when 5 ms bring none (see
        // Writer.swift). At 1,500 messages/s (Tests/load/trickle-bench.sh) it cut Faro's CPU per message by ~30%
        // against a 2 ms wait; behind real Kannel, which keeps both cores busy, by less than that run's noise. An
        // SMS does not notice 20 ms.
        let delay = Store.CommitDelay(limit: .milliseconds(20), rows: 32, gap: .milliseconds(5))
        let service = try options.service(logger: logger, store: Store.Settings(commitDelay: delay))
        defer { service.store.close() }
        let watcher = ContentWatcher(directory: options.content, budget: options.budget, service: service, logger: logger)
        let sender = try sendsmsURL.map { raw -> AlertSender in
            guard let url = URL(string: raw) else { throw ValidationError("bad sendsms URL") }
            let transport = KannelSendSMS(request: KannelSendSMSRequest(
                endpoint: url.absoluteString, username: environment["FARO_KANNEL_USER"] ?? "faro",
                password: environment["FARO_KANNEL_PASSWORD"] ?? "", from: environment["FARO_KANNEL_FROM"]))
            return AlertSender(store: service.store, transport: transport, perSecond: alertsPerSecond, logger: logger)
        }
        let app = buildApplication(settings: settings, handler: service, logger: logger)
        logger.info("faro serving", metadata: ["address": "\(settings.host):\(settings.port)", "db": "\(options.db)",
                                               "content": "\(options.content)", "alerts": "\(sender == nil ? "off" : "on")"])
        // The app owns SIGTERM/SIGINT (graceful shutdown: in-flight requests finish); the helpers stop with it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await watcher.run() }
            if let sender { group.addTask { await sender.run() } }
            try await app.runService()
            group.cancelAll()
        }
    }
}
