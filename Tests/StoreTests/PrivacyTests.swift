import Foundation
import Store
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Privacy: pseudonyms, keys, retention")
struct PrivacyTests {
    @Test func rawNumbersAreOnlyEverStoredForRouteSubscriptions() async throws {
        // Given exchanges and subscriber state from two people, one of whom subscribes to a route
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey)
        defer { store.close() }
        let quiet = "+5215512345678", subscribed = "+52 1 55 8765-4321"
        let quietDigits = "5215512345678", subscribedDigits = "5215587654321"
        for phone in [quiet, subscribed] {
            try await store.record(exchange(from: phone, text: "hola"))
            try store.recordBatch([exchange(from: phone, text: "ayuda")])
            try store.saveSubscriber(phone, SubscriberRecord(
                language: "es", state: Data("menu".utf8), optedOut: false, routes: []))
            try store.escalate(phone: phone, intent: "emergency", place: "altar", language: "es")
        }
        try store.subscribe(route: "golfo", phone: subscribed)

        // Then the quiet person's number is nowhere in the files; the subscriber's is (for the alerts)
        var bytes = databaseBytes(path)
        #expect(!contains(bytes, quietDigits))
        #expect(contains(bytes, subscribedDigits))
        // and the tables other than route_subscriptions never hold either number
        let raw = try RawDatabase(path)
        for table in ["exchanges", "subscribers", "escalations", "runs", "content_versions"] {
            let contents = try raw.rows("SELECT * FROM \(table)").flatMap { $0 }.joined(separator: "|")
            #expect(!contents.contains(quietDigits), "\(table)")
            #expect(!contents.contains(subscribedDigits), "\(table)")
        }
        #expect(try raw.rows("SELECT phone FROM route_subscriptions") == [["+" + subscribedDigits]])

        // When the subscriber unsubscribes and the WAL is checkpointed
        #expect(try store.unsubscribeAll(phone: subscribed) == 1)
        try store.checkpoint()

        // Then their number is gone from the database file and the WAL too (secure_delete overwrites it)
        bytes = databaseBytes(path)
        #expect(!contains(bytes, subscribedDigits))
        #expect(!contains(bytes, quietDigits))
    }

    @Test(arguments: [
        "+52 1 55 1234 5678", "+52-1-55-1234-5678", "+52 (1) 55.1234.5678", " +5215512345678 ",
        "+52\u{00A0}1\u{00A0}55\u{2013}1234\u{2013}5678", "+52 1 55 1234 5678\u{200B}",
    ])
    func formattingDoesNotChangeThePseudonym(_ formatted: String) {
        let pseudonymizer = Pseudonymizer(key: testKey)
        #expect(Pseudonymizer.normalize(formatted) == "+5215512345678")
        #expect(pseudonymizer.pseudonym(for: formatted) == pseudonymizer.pseudonym(for: "+5215512345678"))
    }

    @Test func aPseudonymIs32HexCharactersAndDependsOnTheKey() throws {
        let mine = Pseudonymizer(key: testKey).pseudonym(for: "+5215512345678")
        let theirs = Pseudonymizer(key: otherKey).pseudonym(for: "+5215512345678")
        #expect(mine.count == 32)
        #expect(mine.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(mine != theirs)
        #expect(mine != Pseudonymizer(key: testKey).pseudonym(for: "+5215512345679"))
        #expect(!Pseudonymizer.normalize("+52+15512345678").dropFirst().contains("+"))
    }

    @Test func theStoreWritesTheKeysPseudonym() async throws {
        // Given two databases with different keys
        let dir = try TemporaryDirectory()
        let mine = try Store.open(path: dir.path("a.sqlite"), key: testKey)
        let theirs = try Store.open(path: dir.path("b.sqlite"), key: otherKey)
        defer { mine.close(); theirs.close() }

        // When the same number writes to both
        try await mine.record(exchange())
        try await theirs.record(exchange())

        // Then each holds its own key's pseudonym
        let a = try #require(try mine.recentExchanges().first).sender
        let b = try #require(try theirs.recentExchanges().first).sender
        #expect(a == Pseudonymizer(key: testKey).pseudonym(for: "+5215512345678"))
        #expect(b == Pseudonymizer(key: otherKey).pseudonym(for: "+5215512345678"))
        #expect(a != b)
    }

    @Test func theKeyFileIsCreatedPrivateAndReused() throws {
        // Given no key in the environment and no key file
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let keyPath = dir.path("faro.key")
        #expect(PseudonymKey.defaultKeyFilePath(forDatabaseAt: path) == keyPath)

        // When the key is resolved for the database
        let first = try PseudonymKey.resolve(databasePath: path, environment: [:])

        // Then a key file readable by its owner only is created next to it
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(fileBytes(keyPath).count == 65)  // 32 bytes as hex, and a newline

        // And when it is resolved again, the same key comes back
        let second = try PseudonymKey.resolve(databasePath: path, environment: [:])
        let phone = "+5215512345678"
        #expect(Pseudonymizer(key: first).pseudonym(for: phone) == Pseudonymizer(key: second).pseudonym(for: phone))
        try Store.open(path: path, key: first).close()
        try Store.open(path: path, key: second).close()
    }

    @Test func theEnvironmentKeyWinsOverTheKeyFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
        let phone = "+5215512345678"

        let fromHex = try PseudonymKey.resolve(databasePath: path, environment: ["FARO_PSEUDONYM_KEY": hex])
        #expect(Pseudonymizer(key: fromHex).pseudonym(for: phone) == Pseudonymizer(key: testKey).pseudonym(for: phone))
        #expect(!FileManager.default.fileExists(atPath: dir.path("faro.key")))

        let fromText = try PseudonymKey.resolve(
            databasePath: path, environment: ["FARO_PSEUDONYM_KEY": "a long enough passphrase"])
        #expect(Pseudonymizer(key: fromText).pseudonym(for: phone) != Pseudonymizer(key: testKey).pseudonym(for: phone))

        #expect(throws: StoreError.self) {
            try PseudonymKey.resolve(databasePath: path, environment: ["FARO_PSEUDONYM_KEY": "short"])
        }
    }

    @Test func anExistingKeyFileIsReadNotReplaced() throws {
        let dir = try TemporaryDirectory()
        let keyPath = dir.path("faro.key")
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
        #expect(FileManager.default.createFile(
            atPath: keyPath, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o644]))

        let key = try PseudonymKey.loadOrCreate(keyFile: keyPath)  // readable by others: used, with a warning

        #expect(Pseudonymizer(key: key).pseudonym(for: "+1") == Pseudonymizer(key: testKey).pseudonym(for: "+1"))
        #expect(String(decoding: fileBytes(keyPath), as: UTF8.self) == hex + "\n")
    }

    @Test func purgeDeletesOldExchangesAndClearsOlderTexts() throws {
        // Given exchanges from day 1, 10 and 20
        let dir = try TemporaryDirectory()
        let path = dir.path("faro.sqlite")
        let store = try Store.open(path: path, key: testKey)
        defer { store.close() }
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        try store.recordBatch([
            exchange(at: start + 1 * day, text: "old secret words"),
            exchange(at: start + 10 * day, text: "middle secret words"),
            exchange(at: start + 20 * day, text: "recent words"),
        ])

        // When exchanges older than day 5 are purged, and texts older than day 15
        let result = try store.purge(olderThan: start + 5 * day, textsOlderThan: start + 15 * day)

        // Then the day-1 exchange is gone, the day-10 one has lost its text, the day-20 one is whole
        #expect(result == PurgeResult(exchanges: 1, texts: 1))
        let kept = try store.recentExchanges()
        #expect(kept.map(\.at) == [start + 20 * day, start + 10 * day])
        #expect(kept.map(\.text) == ["recent words", nil])
        #expect(try store.counts().exchangesWithText == 1)
        // and the purged words are not left in the files
        let bytes = databaseBytes(path)
        #expect(!contains(bytes, "old secret words"))
        #expect(!contains(bytes, "middle secret words"))

        // And purging again finds nothing more
        #expect(try store.purge(olderThan: start + 5 * day) == PurgeResult(exchanges: 0, texts: 0))
    }
}
