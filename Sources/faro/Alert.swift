import ArgumentParser
import Content
import Foundation
import Store

/// `faro alert ROUTE TEXT`: queue an alert for everyone subscribed to a route. `faro serve` delivers the outbox
/// through Kannel's sendsms (it survives restarts).
struct Alert: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Queue an alert for the subscribers of a route.")
    @Option(help: "SQLite database (env FARO_DB).") var db: String = ProcessInfo.processInfo.environment["FARO_DB"] ?? "faro.sqlite"
    @Argument(help: "Route: pacifico, golfo or centro.") var route: String
    @Argument(help: "The alert text (one SMS is best; say the source and the date).") var text: String

    func run() throws {
        guard ["pacifico", "golfo", "centro"].contains(route) else { throw ValidationError("unknown route '\(route)'") }
        let info = SMS.info(text)
        let store = try Store.open(path: db, key: try PseudonymKey.resolve(databasePath: db))
        defer { store.close() }
        let queued = try store.enqueueAlert(route: route, text: text)
        print("Queued for \(queued) subscribers of \(route): \(info.encoding.rawValue), \(info.segments) SMS each.")
    }
}
