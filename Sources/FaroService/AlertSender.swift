import Channels
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Store

/// Sends one SMS to one number. Kannel's `sendsms` in production; a fake in tests.
public protocol SMSTransport: Sendable {
    /// Throws `AlertError.permanent` when retrying cannot help (bad number, refused), anything else to retry.
    func send(to phone: String, text: String) async throws
}

public enum AlertError: Error, Equatable {
    case permanent(String)
    case temporary(String)
}

/// Kannel `sendsms` (port 13013): the wire format (coding, UCS-2 padding so no emoji is cut) is Channels'
/// `KannelSendSMSRequest`; this performs the request. The URL holds the password: it is never logged.
public struct KannelSendSMS: SMSTransport {
    public let request: KannelSendSMSRequest

    public init(request: KannelSendSMSRequest) { self.request = request }

    public func send(to phone: String, text: String) async throws {
        guard let url = URL(string: request.url(to: phone, text: text)) else { throw AlertError.permanent("bad sendsms URL") }
        var urlRequest = URLRequest(url: url)
        urlRequest.timeoutInterval = 10
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: urlRequest)
        } catch {
            throw AlertError.temporary("kannel unreachable: \(type(of: error))")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        switch KannelSendSMSRequest.outcome(status: status, body: String(decoding: data.prefix(200), as: UTF8.self)) {
        case .accepted: return
        case .rejected(let status): throw AlertError.permanent("kannel refused: \(status)")
        case .retry(let status): throw AlertError.temporary("kannel status \(status)")
        }
    }
}

/// Delivers the outbox: due alerts, at most `perSecond` per second on the channel, retried with growing delays.
/// The outbox lives in SQLite, so alerts not yet sent survive a restart.
public struct AlertSender: Sendable {
    let store: Store
    let transport: any SMSTransport
    let perSecond: Double
    let logger: Logger
    /// Delays before each retry; after the last one the alert is given up.
    public static let retryDelays: [TimeInterval] = [30, 120, 600, 3_600]

    public init(store: Store, transport: any SMSTransport, perSecond: Double = 10, logger: Logger) {
        self.store = store; self.transport = transport; self.perSecond = max(0.1, perSecond); self.logger = logger
    }

    /// Sends what is due now; returns how many were sent.
    @discardableResult
    public func deliverDue(now: @Sendable () -> Date = Date.init) async throws -> Int {
        var sent = 0
        for item in try store.dueAlerts(at: now(), limit: 500) {
            let started = ContinuousClock.now
            do {
                try await transport.send(to: item.phone, text: item.text)
                try store.markSent(item.id, at: now())
                sent += 1
            } catch let error as AlertError {
                let (message, permanent) = switch error {
                case .permanent(let m): (m, true)
                case .temporary(let m): (m, false)
                }
                let delay = permanent ? nil : Self.retryDelays.dropFirst(item.attempts).first
                try store.markFailed(item.id, error: message, retryAt: delay.map { now().addingTimeInterval($0) }, at: now())
                logger.warning("alert not sent", metadata: ["outbox": "\(item.id)", "route": "\(item.route)",
                                                            "error": "\(message)", "retry": "\(delay.map { "\(Int($0))s" } ?? "no")"])
            }
            // Per-channel rate limit: operators throttle or block bursts.
            let spacing = Duration.seconds(1 / perSecond) - (ContinuousClock.now - started)
            if spacing > .zero { try await Task.sleep(for: spacing) }
        }
        return sent
    }

    /// Runs until cancelled, checking the outbox every `interval`.
    public func run(every interval: Duration = .seconds(2)) async {
        while !Task.isCancelled {
            do { try await deliverDue() } catch { logger.error("outbox failed", metadata: ["error": "\(error)"]) }
            try? await Task.sleep(for: interval)
        }
    }
}
