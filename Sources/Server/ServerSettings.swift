import Channels
import Foundation

/// Everything the HTTP gateway needs to know, filled by the executable from flags and the environment.
public struct ServerSettings: Sendable, Equatable {
    /// Address to bind. Loopback by default: put a reverse proxy (TLS) in front for Twilio and Africa's Talking.
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Largest request body accepted; larger ones get 413. Provider requests are a few hundred bytes.
    public var bodyLimit: Int = 16 * 1024
    /// Longest the core may take for one message; then the channel's fallback reply is sent.
    /// Africa's Talking wants an answer in well under 5 s, and Kannel must answer before its HTTP timeout.
    public var requestTimeout: Duration = .seconds(4)
    /// Per-sender rate limit for SMS (Kannel, Twilio, JSON `sms`); nil disables it.
    public var rateLimit: RateLimit? = RateLimit()
    /// Twilio auth token (`FARO_TWILIO_AUTH_TOKEN`); without it `/channels/twilio` refuses every request (403).
    public var twilioAuthToken: String?
    /// Public URL prefix Twilio calls (`FARO_PUBLIC_URL`, e.g. `https://faro.example.org`), used to check
    /// `X-Twilio-Signature` behind a proxy.
    public var publicBaseURL: String?
    /// Bearer token for `/metrics` (`FARO_ADMIN_TOKEN`); nil leaves `/metrics` open (bind to loopback then).
    public var adminToken: String?
    /// Kannel's `max-messages` for the sms-service (replies needing more parts are flagged in logs/metrics).
    public var kannelMaxParts: Int = 10
    /// SMS sent when the core fails or times out (GSM-7, one part); nil keeps the built-in trilingual text.
    public var fallbackText: String?
    /// Connections idle longer than this are closed.
    public var idleTimeout: Duration = .seconds(75)
    /// Value of the `Server` response header; nil sends none.
    public var serverName: String?

    public init() {}

    /// Defaults overridden by `FARO_HOST`, `FARO_PORT`, `FARO_BODY_LIMIT`, `FARO_REQUEST_TIMEOUT_MS`,
    /// `FARO_RATE_LIMIT` (`BURST/SECONDS`, e.g. `10/60`: a burst of 10, then one more every 6 s; `off` disables),
    /// `FARO_TWILIO_AUTH_TOKEN`, `FARO_PUBLIC_URL`, `FARO_ADMIN_TOKEN`, `FARO_KANNEL_MAX_PARTS`.
    /// Flags given to the executable should be applied after this.
    public init(environment env: [String: String]) throws(SettingsError) {
        self.init()
        if let v = env["FARO_HOST"], !v.isEmpty { host = v }
        if let v = env["FARO_PORT"] { port = try Self.int(v, "FARO_PORT", 0...65535) }
        if let v = env["FARO_BODY_LIMIT"] { bodyLimit = try Self.int(v, "FARO_BODY_LIMIT", 256...(16 << 20)) }
        if let v = env["FARO_REQUEST_TIMEOUT_MS"] {
            requestTimeout = .milliseconds(try Self.int(v, "FARO_REQUEST_TIMEOUT_MS", 10...120_000))
        }
        if let v = env["FARO_RATE_LIMIT"] { rateLimit = try RateLimit.parse(v) }
        if let v = env["FARO_TWILIO_AUTH_TOKEN"], !v.isEmpty { twilioAuthToken = v }
        if let v = env["FARO_PUBLIC_URL"], !v.isEmpty { publicBaseURL = v }
        if let v = env["FARO_ADMIN_TOKEN"], !v.isEmpty { adminToken = v }
        if let v = env["FARO_KANNEL_MAX_PARTS"] { kannelMaxParts = try Self.int(v, "FARO_KANNEL_MAX_PARTS", 1...255) }
    }

    static func int(_ s: String, _ name: String, _ range: ClosedRange<Int>) throws(SettingsError) -> Int {
        guard let n = Int(s.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
            throw SettingsError(message: "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return n
    }
}

public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A token bucket per sender: `burst` messages at once, then one more every `interval`.
/// The first message over the limit is answered with the core's flood notice; the next ones are dropped
/// (and counted) until the bucket refills.
public struct RateLimit: Sendable, Equatable {
    public var burst: Int
    public var interval: Duration

    public init(burst: Int = 10, interval: Duration = .seconds(6)) {
        self.burst = max(1, burst)
        self.interval = interval
    }

    /// `BURST/SECONDS` (`10/60` = 10 messages per minute), or `off`.
    public static func parse(_ s: String) throws(SettingsError) -> RateLimit? {
        let t = s.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "off" || t == "0" || t == "none" { return nil }
        let parts = t.split(separator: "/")
        guard parts.count == 2, let burst = Int(parts[0]), let seconds = Double(parts[1]), burst > 0, seconds > 0 else {
            throw SettingsError(message: "FARO_RATE_LIMIT must be BURST/SECONDS like 10/60, or off")
        }
        return RateLimit(burst: burst, interval: .milliseconds(Int64(seconds * 1000 / Double(burst))))
    }
}
