import Channels
import Content
import FaroService
import Foundation
import Gateway
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `simulator replay --target URL --channel …`: the same traffic sent to a running Faro over HTTP in a provider's
/// own wire format, so a traffic file tests the whole deployed path. USSD lines are grouped by `session` and the
/// provider's `text` path (`1*2`) is rebuilt from the session's inputs, as Africa's Talking does.
public final class HTTPTarget {
    public enum Channel: String, Sendable, CaseIterable { case kannel, twilio, ussd, json }

    public struct Result: Sendable {
        public var status: Int
        public var reply: String
        public var fields: [String: String]   // lang, intent, topic, place, route when the channel reports them
        public var latencyMicros: Int
    }

    let base: URL
    let channel: Channel
    let twilioToken: String?
    let session: URLSession
    private var ussdPaths: [String: [String]] = [:]

    public init(base: URL, channel: Channel, twilioToken: String? = ProcessInfo.processInfo.environment["FARO_TWILIO_AUTH_TOKEN"]) {
        self.base = base; self.channel = channel; self.twilioToken = twilioToken
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: configuration)
    }

    /// The HTTP request a provider would send for this message.
    public func request(for message: TrafficLine) -> URLRequest {
        switch channel {
        case .kannel:
            var components = URLComponents(url: base.appendingPathComponent("channels/kannel"), resolvingAgainstBaseURL: false)!
            components.queryItems = [URLQueryItem(name: "from", value: message.from), URLQueryItem(name: "to", value: "5555"),
                                     URLQueryItem(name: "text", value: message.text), URLQueryItem(name: "id", value: UUID().uuidString)]
            // Kannel sends a literal "+" as %2B (a space as "+").
            components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            return URLRequest(url: components.url!)
        case .twilio:
            let url = base.appendingPathComponent("channels/twilio")
            let fields = [("MessageSid", "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "")),
                          ("From", message.from), ("To", "+15005550006"), ("Body", message.text), ("NumMedia", "0")]
            var request = form(url, fields)
            if let twilioToken {
                request.setValue(TwilioAdapter.signature(url: url.absoluteString, fields: fields, secret: twilioToken),
                                 forHTTPHeaderField: "X-Twilio-Signature")
            }
            return request
        case .ussd:
            let id = message.session ?? message.from
            let inputs = message.text.isEmpty && ussdPaths[id] == nil ? [] : (ussdPaths[id] ?? []) + [message.text]
            return form(base.appendingPathComponent("channels/africastalking/ussd"),
                        [("sessionId", id), ("serviceCode", "*384*1#"), ("phoneNumber", message.from),
                         ("networkCode", "99999"), ("text", inputs.joined(separator: "*"))])
        case .json:
            var request = URLRequest(url: base.appendingPathComponent("v1/messages"))
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try? JSONSerialization.data(withJSONObject: ["from": message.from, "text": message.text, "channel": message.channel])
            return request
        }
    }

    func form(_ url: URL, _ fields: [(String, String)]) -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        request.httpBody = Data(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&").utf8)
        return request
    }

    public func send(_ message: TrafficLine) async throws -> Result {
        let started = DispatchTime.now().uptimeNanoseconds
        let (data, response) = try await session.data(for: request(for: message))
        let latency = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body = String(decoding: data, as: UTF8.self)
        var fields: [String: String] = [:]
        var reply = body
        switch channel {
        case .kannel: break
        case .twilio: reply = Self.twimlMessage(body)
        case .ussd:
            let id = message.session ?? message.from
            if body.hasPrefix("END") { ussdPaths[id] = nil } else if !(message.text.isEmpty && ussdPaths[id] == nil) {
                ussdPaths[id, default: []].append(message.text)
            } else { ussdPaths[id] = [] }
            reply = String(body.dropFirst(4))
        case .json:
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                reply = object["reply"] as? String ?? body
                for key in ["lang", "intent", "topic", "place", "route"] { if let v = object[key] as? String { fields[key] = v } }
            }
        }
        return Result(status: status, reply: reply, fields: fields, latencyMicros: latency)
    }

    /// The text of `<Message>` in a TwiML reply, unescaped.
    static func twimlMessage(_ xml: String) -> String {
        guard let start = xml.range(of: "<Message>"), let end = xml.range(of: "</Message>", range: start.upperBound..<xml.endIndex)
        else { return "" }
        return String(xml[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The result line for a results file: the contract's keys, those the channel does not report left null.
    public static func json(_ message: TrafficLine, _ r: Result, ok: Bool?, channel: Channel) -> String {
        let info = SMS.info(r.reply)
        var out = "{\"line\":\(message.line),\"from\":\(JSON.quote(message.from)),\"channel\":\(JSON.quote(message.channel)),"
        out += "\"text\":\(JSON.quote(message.text)),\"lang\":\(JSON.quote(r.fields["lang"])),\"intent\":\(JSON.quote(r.fields["intent"])),"
        out += "\"topic\":\(JSON.quote(r.fields["topic"])),\"place\":\(JSON.quote(r.fields["place"])),\"route\":\(JSON.quote(r.fields["route"])),"
        out += "\"reply\":\(JSON.quote(r.reply)),\"encoding\":\(JSON.quote(info.encoding.rawValue)),\"segments\":\(info.segments),"
        out += "\"latency_us\":\(r.latencyMicros),\"status\":\(r.status),\"via\":\(JSON.quote(channel.rawValue))"
        if let ok { out += ",\"ok\":\(ok)" }
        return out + "}"
    }

    /// Expectations a channel can check: the reply pattern always; intent and the rest only where reported.
    public static func failures(_ message: TrafficLine, _ r: Result) -> [String] {
        var failures: [String] = []
        if r.status != 200 { failures.append("HTTP \(r.status)") }
        for (key, expected) in message.expectations.sorted(by: { $0.key < $1.key }) {
            if key == "expect" {
                let pattern = try? PCRE2Pattern(expected)
                if pattern?.matches(in: r.reply).isEmpty ?? true { failures.append("reply does not match /\(expected)/") }
            } else if let value = r.fields[String(key.dropFirst(7))] {
                if value != expected { failures.append("\(key.dropFirst(7)): expected \(expected), got \(value)") }
            }
        }
        return failures
    }
}
