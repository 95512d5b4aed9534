import Foundation

/// Faro's own JSON API for other integrations: `POST /v1/messages`.
///
/// Request: `{"from": "+52…", "text": "hola", "channel": "sms"}`; `channel` is `sms` (default) or `ussd`; optional
/// `session` (USSD) and `to`. For `ussd`, `text` is the path of inputs joined by `*`, as Africa's Talking sends it.
/// Unknown fields are ignored.
/// Response: the result object of DESIGN.md (`from`, `channel`, `text`, `lang`, `intent`, `topic`, `place`,
/// `route`, `reply`, `encoding`, `segments`, `latency_us`, plus `session` and `ends_session` for USSD and any
/// other key the core puts in `OutboundReply.result`). Errors: `{"error": "…"}` with the status.
public struct JSONAPIAdapter: Sendable {
    public init() {}

    public func inbound(_ request: ChannelRequest, receivedAt: Date = Date()) throws(ChannelError) -> InboundMessage {
        guard request.method == "POST" else { throw ChannelError(.methodNotAllowed(request.method)) }
        if let type = request.mediaType, type != "application/json" {
            throw ChannelError(.unsupportedMediaType(type))
        }
        guard String(validating: request.body, as: UTF8.self) != nil else {
            throw ChannelError(.invalidUTF8(field: "body"))
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(request.body), options: [])
        } catch {
            throw ChannelError(.malformedBody("not JSON"))
        }
        guard let dict = object as? [String: Any] else { throw ChannelError(.malformedBody("not a JSON object")) }

        func string(_ key: String, required: Bool) throws(ChannelError) -> String? {
            guard let v = dict[key], !(v is NSNull) else {
                if required { throw ChannelError(.missingField(key)) }
                return nil
            }
            guard let s = v as? String else { throw ChannelError(.invalidField(key, why: "is not a string")) }
            return s
        }

        let from = try string("from", required: true)!
        let text = try string("text", required: true)!
        let channelName = try string("channel", required: false) ?? "sms"
        guard let channel = ChannelKind(rawValue: channelName.lowercased()) else {
            throw ChannelError(.invalidField("channel", why: "must be \"sms\" or \"ussd\""))
        }
        guard let sender = from.nonBlank else { throw ChannelError(.invalidField("from", why: "is empty")) }
        return InboundMessage(from: sender, to: try string("to", required: false)?.nonBlank, text: text,
                              channel: channel, session: try string("session", required: false)?.nonBlank,
                              provider: "json", receivedAt: receivedAt)
    }

    /// The result object for a handled message.
    public func reply(_ reply: OutboundReply, for message: InboundMessage, latencyMicroseconds: Int) -> ChannelResponse {
        var fields: [(String, JSONValue)] = [
            ("from", .string(message.from)),
            ("channel", .string(message.channel.rawValue)),
            ("text", .string(message.text)),
        ]
        let result = reply.result ?? [:]
        for key in Self.resultKeys {
            fields.append((key, (result[key] ?? nil).map(JSONValue.string) ?? .null))
        }
        fields.append(("reply", .string(reply.text)))
        fields.append(("encoding", .string(reply.encoding)))
        fields.append(("segments", .int(reply.segments)))
        fields.append(("latency_us", .int(latencyMicroseconds)))
        if message.channel == .ussd {
            fields.append(("session", message.session.map(JSONValue.string) ?? .null))
            fields.append(("ends_session", .bool(reply.endsSession)))
        }
        let known = Set(fields.map(\.0))
        for key in result.keys.sorted() where !known.contains(key) {
            fields.append((key, (result[key] ?? nil).map(JSONValue.string) ?? .null))
        }
        return ChannelResponse(status: 200, contentType: "application/json", text: Self.object(fields))
    }

    /// A refusal or a failure: `{"error": "…"}` with the status; `notice` adds a text for the caller to show.
    public func error(status: Int, message: String, notice: String? = nil) -> ChannelResponse {
        var fields: [(String, JSONValue)] = [("error", .string(message))]
        if let notice { fields.append(("notice", .string(notice))) }
        return ChannelResponse(status: status, contentType: "application/json", text: Self.object(fields))
    }

    public func error(_ error: ChannelError) -> ChannelResponse {
        self.error(status: error.status, message: error.description)
    }

    static let resultKeys = ["lang", "intent", "topic", "place", "route"]

    enum JSONValue {
        case string(String), int(Int), bool(Bool), null
    }

    static func object(_ fields: [(String, JSONValue)]) -> String {
        var out = "{"
        for (i, (key, value)) in fields.enumerated() {
            if i > 0 { out += "," }
            out += JSON.quote(key) + ":"
            switch value {
            case .string(let s): out += JSON.quote(s)
            case .int(let n): out += String(n)
            case .bool(let b): out += b ? "true" : "false"
            case .null: out += "null"
            }
        }
        return out + "}"
    }
}

/// JSON text written by hand where a result object's key order is part of the contract.
public enum JSON {
    /// A JSON string literal (or null), escaping what RFC 8259 requires.
    public static func quote(_ s: String?) -> String {
        guard let s else { return "null" }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
