import Channels
import Foundation
import Hummingbird
import Logging

/// The one build seam: `faro serve` and the tests build the HTTP gateway here and run it with
/// `try await app.runService()` (graceful shutdown on SIGTERM/SIGINT: stop accepting, finish in-flight requests).
///
/// Routes: `GET|POST /channels/kannel`, `POST /channels/twilio`, `POST /channels/africastalking/ussd`,
/// `POST /v1/messages`, `GET /healthz`, `GET /metrics`.
public func buildApplication(
    settings: ServerSettings, handler: some MessageHandling, logger: Logger
) -> some ApplicationProtocol {
    buildApplication(settings: settings, handler: handler, logger: logger, metrics: ServerMetrics())
}

/// The same, with a metrics registry the caller keeps (to read it in tests or share it with other components).
public func buildApplication(
    settings: ServerSettings, handler: some MessageHandling, logger: Logger, metrics: ServerMetrics
) -> some ApplicationProtocol {
    let routes = Routes(settings: settings, handler: handler, metrics: metrics, logger: logger)
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ObservabilityMiddleware(metrics: metrics))
    router.get("/healthz") { _, _ in Response.text(200, "ok\n") }
    router.get("/metrics") { request, _ in routes.metricsEndpoint(request) }
    router.get("/channels/kannel") { request, context in await routes.kannel(request, context) }
    router.post("/channels/kannel") { request, context in await routes.kannel(request, context) }
    router.post("/channels/twilio") { request, context in await routes.twilio(request, context) }
    router.post("/channels/africastalking/ussd") { request, context in await routes.ussd(request, context) }
    router.post("/v1/messages") { request, context in await routes.json(request, context) }

    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .nanoseconds(settings.idleTimeout.nanoseconds))),
        configuration: ApplicationConfiguration(
            address: .hostname(settings.host, port: settings.port),
            serverName: settings.serverName
        ),
        logger: logger
    )
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}

let knownRoutes: Set<String> = [
    "/healthz", "/metrics", "/channels/kannel", "/channels/twilio", "/channels/africastalking/ussd", "/v1/messages",
]

/// Counts every request by route and status and records its latency, including 404s and thrown errors.
struct ObservabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.request(route: Self.route(context.endpointPath), status: Int(response.status.code), duration: .now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(route: Self.route(context.endpointPath), status: Int(status), duration: .now - start)
            throw error
        }
    }

    /// The route template, or `other` (never the raw path, which could carry anything).
    static func route(_ endpoint: String?) -> String {
        guard let endpoint, knownRoutes.contains(endpoint) else { return "other" }
        return endpoint
    }
}

extension Response {
    static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    init(_ channel: ChannelResponse) {
        var headers = HTTPFields()
        for h in channel.headers {
            if let name = HeaderField.Name(h.name) { headers.append(HeaderField(name: name, value: h.value)) }
        }
        self.init(status: .init(code: channel.status), headers: headers,
                  body: .init(byteBuffer: ByteBuffer(bytes: channel.body)))
    }
}

/// `HTTPField` without importing HTTPTypes (Hummingbird re-exports `HTTPFields` only).
typealias HeaderField = HTTPFields.Element
