import FaroService
import Foundation
import Logging
import Store
import Synchronization
import Testing

/// A transport that records what it was asked to send and fails as told.
final class FakeTransport: SMSTransport, Sendable {
    let sent = Mutex<[(String, String)]>([])
    let failures = Mutex<[String: AlertError]>([:])   // phone → error to throw once
    func send(to phone: String, text: String) async throws {
        if let error = failures.withLock({ $0.removeValue(forKey: phone) }) { throw error }
        sent.withLock { $0.append((phone, text)) }
    }
}

@Suite struct AlertTests {
    @Test func outboxSendsRetriesDropsAndSurvivesRestart() async throws {
        let dir = Scratch()
        let db = dir.path("faro.sqlite")
        var store = try Store.open(path: db, key: simulatorKey)
        let numbers = ["+5215550000101", "+5215550000102", "+5215550000103", "+5215550000104"]
        for n in numbers { try store.subscribe(route: "golfo", phone: n) }
        try store.subscribe(route: "pacifico", phone: "+5215550000199")
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)

        // Given an alert for the Gulf route, then one subscriber sends STOP and the store restarts
        #expect(try store.enqueueAlert(route: "golfo", text: "FARO: aviso de prueba. Información: envie PELIGROS.", at: t0) == 4)
        try store.unsubscribeAll(phone: numbers[3])
        store.close()
        store = try Store.open(path: db, key: simulatorKey)
        defer { store.close() }

        // When the sender runs with one temporary and one permanent failure
        let transport = FakeTransport()
        transport.failures.withLock { $0[numbers[1]] = .temporary("timeout"); $0[numbers[2]] = .permanent("refused") }
        let sender = AlertSender(store: store, transport: transport, perSecond: 1_000, logger: Logger(label: "test"))
        #expect(try await sender.deliverDue(now: { t0 }) == 1)

        // Then: one sent, the unsubscribed one dropped, the refused one failed, the timeout retried later
        #expect(transport.sent.withLock { $0.map(\.0) } == [numbers[0]])
        #expect(try store.outboxCounts() == ["sent": 1, "dropped": 1, "failed": 1, "pending": 1])
        #expect(try await sender.deliverDue(now: { t0.addingTimeInterval(5) }) == 0, "not due before its retry delay")
        #expect(try await sender.deliverDue(now: { t0.addingTimeInterval(AlertSender.retryDelays[0] + 1) }) == 1)
        #expect(transport.sent.withLock { $0.map(\.0) } == [numbers[0], numbers[1]])
        #expect(try store.outboxCounts()["pending"] == nil)
        // No one on another route got the Gulf alert.
        #expect(!transport.sent.withLock { $0.contains { $0.0 == "+5215550000199" } })
    }
}
