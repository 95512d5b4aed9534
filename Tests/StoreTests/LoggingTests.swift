#if canImport(Logging)
import Foundation
import Logging
import Store
import Testing

/// Keeps every line logged through it, rendered with its metadata.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var captured: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let rendered = "\(event.level) \(event.message) \(event.metadata ?? [:])"
        lock.lock()
        captured.append(rendered)
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return captured
    }
}

@Suite("Logging")
struct LoggingTests {
    @Test func aKeyFileOthersCanReadIsUsedWithAWarning() throws {
        // Given a key file with mode 0644
        let dir = try TemporaryDirectory()
        let keyPath = dir.path("faro.key")
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
        #expect(FileManager.default.createFile(
            atPath: keyPath, contents: Data(hex.utf8), attributes: [.posixPermissions: 0o644]))
        let handler = CapturingLogHandler()

        // When it is loaded
        _ = try PseudonymKey.loadOrCreate(keyFile: keyPath, logger: Logger(label: "test") { _ in handler })

        // Then a warning names the file and its mode, and not the key
        #expect(handler.lines.count == 1)
        let line = try #require(handler.lines.first)
        #expect(line.hasPrefix("warning"))
        #expect(line.contains(keyPath) && line.contains("644"))
        #expect(!line.contains(hex))
    }

    @Test func theStoreNeverLogsNumbersPseudonymsOrTexts() async throws {
        // Given a store reporting to a logger, on a database it must migrate
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let handler = CapturingLogHandler()
        let logger = Logger(label: "test") { _ in handler }
        let phone = "+5215512345678"
        do {
            let store = try Store.open(path: path, key: testKey, logger: logger)
            defer { store.close() }

            // When it does everything it does
            try await store.record(exchange(from: phone, text: "secreto"), saving: SubscriberRecord(
                language: "es", state: Data("s".utf8), optedOut: false, routes: ["golfo"]))
            try store.recordBatch([exchange(from: phone, text: "secreto")])
            try store.escalate(phone: phone, intent: "emergency", place: nil, language: "es")
            _ = try store.subscribers(route: "golfo")
            try store.unsubscribeAll(phone: phone)
            try store.purge(olderThan: Date(), textsOlderThan: Date())
        }

        // Then it said something, and nothing personal
        let lines = handler.lines
        #expect(lines.contains { $0.contains("migrated") })
        #expect(lines.contains { $0.contains("purged") })
        let pseudonym = Pseudonymizer(key: testKey).pseudonym(for: phone)
        for line in lines {
            #expect(!line.contains("5512345678"), "\(line)")
            #expect(!line.contains(pseudonym), "\(line)")
            #expect(!line.contains("secreto"), "\(line)")
        }
    }
}
#endif
