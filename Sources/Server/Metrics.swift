import Prometheus
import Synchronization

/// The gateway's Prometheus metrics, in a registry owned by one application (no global bootstrap, so tests can
/// build several applications side by side).
///
/// - `faro_http_requests_total{route,status}`
/// - `faro_http_request_duration_seconds{route}` (histogram)
/// - `faro_replies_total{provider,intent,lang}`
/// - `faro_sms_segments_total{provider}` (parts sent through the gateway)
/// - `faro_errors_total{route,kind}` (refused requests, core failures, timeouts, replies cut by a limit)
/// - `faro_rate_limited_total{provider,action}` (`notice`: the one answer; `drop`: silently dropped)
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    enum Metric: Int, Sendable {
        case requests, replies, segments, errors, rateLimited

        var descriptor: MetricNameDescriptor {
            switch self {
            case .requests:
                MetricNameDescriptor(namespace: "faro", subsystem: "http", metricName: "requests", unitName: "total",
                                     helpText: "HTTP requests by route and status.")
            case .replies:
                MetricNameDescriptor(namespace: "faro", metricName: "replies", unitName: "total",
                                     helpText: "Replies by provider, intent and language.")
            case .segments:
                MetricNameDescriptor(namespace: "faro", subsystem: "sms", metricName: "segments", unitName: "total",
                                     helpText: "SMS parts sent as replies, by provider.")
            case .errors:
                MetricNameDescriptor(namespace: "faro", metricName: "errors", unitName: "total",
                                     helpText: "Refused requests, core failures, timeouts and cut replies, by route and kind.")
            case .rateLimited:
                MetricNameDescriptor(namespace: "faro", metricName: "rate_limited", unitName: "total",
                                     helpText: "Messages over the per-sender limit: answered once with a notice, then dropped.")
            }
        }

        var labelNames: [String] {
            switch self {
            case .requests: ["route", "status"]
            case .replies: ["provider", "intent", "lang"]
            case .segments: ["provider"]
            case .errors: ["route", "kind"]
            case .rateLimited: ["provider", "action"]
            }
        }
    }

    struct Key: Hashable, Sendable {
        var metric: Metric
        var values: [String]
    }

    static var durationDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "faro", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                             helpText: "HTTP request latency by route.")
    }

    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
        .seconds(5),
    ]

    // The registry locks and rebuilds names on every `make…` call; the hot path looks its series up here instead.
    private let counters = Mutex<[Key: Counter]>([:])
    private let histograms = Mutex<[String: DurationHistogram]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    func counter(_ metric: Metric, _ values: [String]) -> Counter {
        let key = Key(metric: metric, values: values)
        if let c = counters.withLock({ $0[key] }) { return c }
        let c = registry.makeCounter(descriptor: metric.descriptor, labels: Array(zip(metric.labelNames, values)))
        counters.withLock { $0[key] = c }
        return c
    }

    func request(route: String, status: Int, duration: Duration) {
        counter(.requests, [route, String(status)]).increment()
        let h: DurationHistogram
        if let cached = histograms.withLock({ $0[route] }) {
            h = cached
        } else {
            h = registry.makeDurationHistogram(descriptor: Self.durationDescriptor, labels: [("route", route)],
                                               buckets: Self.buckets)
            histograms.withLock { $0[route] = h }
        }
        h.record(duration)
    }

    func reply(provider: String, intent: String?, lang: String?) {
        counter(.replies, [provider, Self.label(intent), Self.label(lang)]).increment()
    }

    func segments(provider: String, count: Int) {
        guard count > 0 else { return }
        counter(.segments, [provider]).increment(by: Int64(count))
    }

    func error(route: String, kind: String) {
        counter(.errors, [route, kind]).increment()
    }

    func rateLimited(provider: String, action: String) {
        counter(.rateLimited, [provider, action]).increment()
    }

    /// Prometheus text exposition format.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// Label values from the core are bounded to short slugs so a bug cannot explode the series count.
    static func label(_ value: String?) -> String {
        guard let v = value, !v.isEmpty else { return "none" }
        guard v.utf8.count <= 32, v.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 })
        else { return "other" }
        return v
    }
}
