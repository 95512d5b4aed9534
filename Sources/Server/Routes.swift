import Channels
import Foundation
import Hummingbird
import Logging

/// The route handlers: read the wire request (within the body limit), convert it with the provider's adapter,
/// apply the per-sender limit, ask the core (within the timeout), convert the reply back, and count and log
/// what happened — by pseudonym, never with a phone number or a message text.
struct Routes<Handler: MessageHandling>: Sendable {
    let settings: ServerSettings
    let handler: Handler
    let metrics: ServerMetrics
    let logger: Logger
    let kannelAdapter: KannelAdapter
    let twilioAdapter: TwilioAdapter
    let ussdAdapter: AfricasTalkingUSSDAdapter
    let jsonAdapter = JSONAPIAdapter()
    let limiter: RateLimiter?

    init(settings: ServerSettings, handler: Handler, metrics: ServerMetrics, logger: Logger) {
        self.settings = settings
        self.handler = handler
        self.metrics = metrics
        self.logger = logger
        self.kannelAdapter = KannelAdapter(
            maxParts: settings.kannelMaxParts, fallbackText: settings.fallbackText ?? KannelAdapter.defaultFallbackText)
        self.twilioAdapter = TwilioAdapter(authToken: settings.twilioAuthToken, publicBaseURL: settings.publicBaseURL)
        self.ussdAdapter = AfricasTalkingUSSDAdapter(
            fallbackText: settings.fallbackText ?? AfricasTalkingUSSDAdapter.defaultFallbackText)
        self.limiter = settings.rateLimit.map { RateLimiter(limit: $0) }
    }

    // MARK: Routes

    func kannel(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let route = "/channels/kannel", provider = "kannel"
        var log = RequestLog(logger: context.logger, metadata: ["provider": .string(provider)])
        let message: InboundMessage
        do {
            message = try kannelAdapter.inbound(try await read(request))
        } catch {
            return Response(kannelAdapter.error(refused(error, route: route, log: log)))
        }
        let rendered: KannelAdapter.Rendered
        switch await process(message, route: route, log: &log) {
        case .reply(let reply):
            rendered = kannelAdapter.reply(reply)
            if rendered.exceedsMaxParts {
                metrics.error(route: route, kind: "kannel_max_parts")
                log.warning("reply needs more parts than Kannel's max-messages; Kannel will cut it",
                            ["parts": "\(rendered.parts)", "max_parts": "\(settings.kannelMaxParts)"])
            }
        case .notice(let text):
            rendered = kannelAdapter.reply(OutboundReply(text: text, encoding: SMSParts.coding(for: text).rawValue,
                                                         segments: 0, endsSession: true))
        case .drop:
            rendered = kannelAdapter.noReply()
        case .failed:
            rendered = kannelAdapter.fallback()
        }
        metrics.segments(provider: provider, count: rendered.parts)
        return Response(rendered.response)
    }

    func twilio(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let route = "/channels/twilio", provider = "twilio"
        var log = RequestLog(logger: context.logger, metadata: ["provider": .string(provider)])
        let message: InboundMessage
        do {
            message = try twilioAdapter.inbound(try await read(request))
        } catch {
            return Response(twilioAdapter.error(refused(error, route: route, log: log)))
        }
        let reply: OutboundReply?
        switch await process(message, route: route, log: &log) {
        case .reply(let r): reply = r
        case .notice(let text): reply = OutboundReply(text: text, encoding: SMSParts.coding(for: text).rawValue,
                                                      segments: SMSParts.count(text, coding: SMSParts.coding(for: text)))
        case .drop: reply = nil
        case .failed: reply = OutboundReply(text: kannelAdapter.fallbackText, encoding: SMSCoding.gsm7.rawValue, segments: 1)
        }
        guard let reply else { return Response(twilioAdapter.noReply()) }
        metrics.segments(provider: provider, count: reply.segments)
        return Response(twilioAdapter.reply(reply))
    }

    func ussd(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let route = "/channels/africastalking/ussd", provider = "africastalking"
        var log = RequestLog(logger: context.logger, metadata: ["provider": .string(provider)])
        let ussd: USSDRequest
        do {
            ussd = try ussdAdapter.inbound(try await read(request))
        } catch {
            return Response(ussdAdapter.error(refused(error, route: route, log: log)))
        }
        log.metadata["who"] = Self.who(ussd.from, handler)
        log.metadata["depth"] = "\(ussd.path.count)"
        switch await ask(route: route, log: log, { deadline in
            try await handler.ussd(session: ussd.session, from: ussd.from, path: ussd.path, deadline: deadline)
        }) {
        case .success(let reply):
            let (response, truncated) = ussdAdapter.reply(reply)
            replied(reply, provider: provider, log: log)
            if truncated {
                metrics.error(route: route, kind: "ussd_screen_truncated")
                log.warning("USSD screen over 182 characters was cut")
            }
            return Response(response)
        case .failure:
            return Response(ussdAdapter.fallback())
        }
    }

    func json(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let route = "/v1/messages", provider = "json"
        var log = RequestLog(logger: context.logger, metadata: ["provider": .string(provider)])
        let start = ContinuousClock.now
        var message: InboundMessage
        do {
            message = try jsonAdapter.inbound(try await read(request))
        } catch {
            return Response(jsonAdapter.error(refused(error, route: route, log: log)))
        }
        let outcome: Outcome
        if message.channel == .ussd {
            let who = handler.pseudonym(message.from)
            log.metadata["who"] = .string(who)
            let session = message.session ?? "json-\(who)"
            message.session = session
            let path = AfricasTalkingUSSDAdapter.path(message.text)
            switch await ask(route: route, log: log, { deadline in
                try await handler.ussd(session: session, from: message.from, path: path, deadline: deadline)
            }) {
            case .success(let reply):
                replied(reply, provider: provider, log: log)
                outcome = .reply(reply)
            case .failure(let f):
                outcome = .failed(f)
            }
        } else {
            outcome = await process(message, route: route, log: &log)
        }
        switch outcome {
        case .reply(let reply):
            let micros = Int((ContinuousClock.now - start) / .microseconds(1))
            return Response(jsonAdapter.reply(reply, for: message, latencyMicroseconds: micros))
        case .notice(let text):
            return Response(jsonAdapter.error(status: 429, message: "rate limited", notice: text))
        case .drop:
            return Response(jsonAdapter.error(status: 429, message: "rate limited"))
        case .failed(.timeout):
            return Response(jsonAdapter.error(status: 504, message: "the core did not answer in time"))
        case .failed(.internal):
            return Response(jsonAdapter.error(status: 500, message: "internal error"))
        }
    }

    func metricsEndpoint(_ request: Request) -> Response {
        if let token = settings.adminToken {
            let given = request.headers[.authorization] ?? ""
            guard constantTimeEqual(given, "Bearer " + token) else {
                var headers = HTTPFields()
                headers[.wwwAuthenticate] = "Bearer"
                headers[.contentType] = "text/plain; charset=utf-8"
                return Response(status: .unauthorized, headers: headers,
                                body: .init(byteBuffer: ByteBuffer(string: "missing or wrong admin token\n")))
            }
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }

    // MARK: The shared path

    enum Failure: Error { case timeout, `internal` }

    enum Outcome {
        case reply(OutboundReply)
        /// Over the limit for the first time: answer with this notice.
        case notice(String)
        /// Over the limit again: send nothing.
        case drop
        case failed(Failure)
    }

    /// Rate limit, then the core, for one SMS-like message.
    func process(_ message: InboundMessage, route: String, log: inout RequestLog) async -> Outcome {
        log.metadata["who"] = Self.who(message.from, handler)
        if let limiter {
            switch limiter.decide(message.from) {
            case .allow:
                break
            case .notify:
                metrics.rateLimited(provider: message.provider, action: "notice")
                log.notice("sender over the rate limit: answered once with the flood notice")
                return .notice(await handler.floodNotice(for: message.from))
            case .drop:
                metrics.rateLimited(provider: message.provider, action: "drop")
                log.debug("sender over the rate limit: dropped")
                return .drop
            }
        }
        switch await ask(route: route, log: log, { deadline in try await handler.handle(message, deadline: deadline) }) {
        case .success(let reply):
            replied(reply, provider: message.provider, log: log)
            return .reply(reply)
        case .failure(let f):
            return .failed(f)
        }
    }

    /// Calls the core with the request timeout as its deadline; failures are counted and logged by error type only.
    func ask(route: String, log: RequestLog,
             _ operation: (ContinuousClock.Instant) async throws -> OutboundReply) async -> Result<OutboundReply, Failure>
    {
        do {
            let reply = try await operation(.now + settings.requestTimeout)
            guard reply.text.contains(where: { !$0.isWhitespace }) else {
                // Kannel would send "<Empty reply from service provider>": treat it as the core's failure.
                metrics.error(route: route, kind: "empty_reply")
                log.error("core returned an empty reply; fallback sent")
                return .failure(.internal)
            }
            return .success(reply)
        } catch is DeadlinePassed {
            metrics.error(route: route, kind: "timeout")
            log.error("core did not answer in time; fallback sent",
                      ["timeout_ms": "\(Int(settings.requestTimeout / .milliseconds(1)))"])
            return .failure(.timeout)
        } catch {
            metrics.error(route: route, kind: "core_failure")
            log.error("core failed; fallback sent", ["error.type": "\(String(reflecting: type(of: error)))"])
            return .failure(.internal)
        }
    }

    func replied(_ reply: OutboundReply, provider: String, log: RequestLog) {
        let intent = reply.result?["intent"] ?? nil
        let lang = reply.result?["lang"] ?? nil
        metrics.reply(provider: provider, intent: intent, lang: lang)
        // Debug, not info: one line per SMS cost a third of the gateway's throughput (measured with wrk); the
        // interaction log and the metrics already hold every reply.
        log.debug("replied", [
            "intent": "\(ServerMetrics.label(intent))", "lang": "\(ServerMetrics.label(lang))",
            "encoding": "\(reply.encoding)", "segments": "\(reply.segments)",
        ])
    }

    /// Counts and logs a refused request (the reason names a field or header, never a value or the body).
    func refused(_ error: any Error, route: String, log: RequestLog) -> ChannelError {
        let e = (error as? ChannelError) ?? ChannelError(.malformedBody("unreadable request"))
        metrics.error(route: route, kind: e.kind)
        log.warning("request refused", ["status": "\(e.status)", "reason": "\(e.description)"])
        return e
    }

    /// The request as a `ChannelRequest`, its body read up to the limit (413 beyond).
    func read(_ request: Request) async throws(ChannelError) -> ChannelRequest {
        let limit = settings.bodyLimit
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw ChannelError(.bodyTooLarge(limit: limit))
        }
        var body: [UInt8] = []
        if request.method == .post || request.method == .put {
            do {
                let buffer = try await request.body.collect(upTo: limit)
                body = Array(buffer.readableBytesView)
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                throw ChannelError(.bodyTooLarge(limit: limit))
            } catch {
                throw ChannelError(.malformedBody("body could not be read"))
            }
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(request.headers.count)
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        // HTTP types keep the Host header as the request's authority, not among the fields; Twilio signs the URL
        // with it, so put it back.
        if let authority = request.head.authority, !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.append(("Host", authority))
        }
        return ChannelRequest(method: request.method.rawValue, uri: request.uri.string, headers: headers, body: body)
    }

}

extension Routes {
    /// The sender's pseudonym for a log record, computed (an HMAC) only if a record is written.
    static func who(_ from: String, _ handler: Handler) -> Logger.MetadataValue {
        .stringConvertible(Deferred { handler.pseudonym(from) })
    }
}

struct Deferred: CustomStringConvertible, Sendable {
    let make: @Sendable () -> String
    var description: String { make() }
}

/// A request's logger and its metadata, merged only when a record is actually written (setting metadata on a
/// `StreamLogHandler` logger re-renders all of it on every set, which showed up in profiles).
struct RequestLog: Sendable {
    let logger: Logger
    var metadata: Logger.Metadata

    func debug(_ message: @autoclosure () -> Logger.Message, _ extra: @autoclosure () -> Logger.Metadata = [:]) {
        logger.debug(message(), metadata: metadata.merging(extra()) { $1 })
    }
    func info(_ message: @autoclosure () -> Logger.Message, _ extra: @autoclosure () -> Logger.Metadata = [:]) {
        logger.info(message(), metadata: metadata.merging(extra()) { $1 })
    }
    func notice(_ message: @autoclosure () -> Logger.Message, _ extra: @autoclosure () -> Logger.Metadata = [:]) {
        logger.notice(message(), metadata: metadata.merging(extra()) { $1 })
    }
    func warning(_ message: @autoclosure () -> Logger.Message, _ extra: @autoclosure () -> Logger.Metadata = [:]) {
        logger.warning(message(), metadata: metadata.merging(extra()) { $1 })
    }
    func error(_ message: @autoclosure () -> Logger.Message, _ extra: @autoclosure () -> Logger.Metadata = [:]) {
        logger.error(message(), metadata: metadata.merging(extra()) { $1 })
    }
}
