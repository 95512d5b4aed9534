import Content
import Foundation

/// Kannel 1.4.5 `sms-service` (get-url and post-url) and the `sendsms` interface for outbound alerts.
///
/// Quirks, seen on the real program (`shared/reference/channels.md`, `docs/kannel/README.md`):
/// - MO: get-url passes `%b` percent-encoded; spaces arrive as `+`, a literal `+` as `%2B`. With
///   `mo-recode = true` in the smsbox group every text arrives as UTF-8 (`coding=0&charset=UTF-8`); without it a
///   UCS-2 SMS arrives as UTF-16BE bytes with `coding=2`, which is decoded here too.
/// - post-url: the text is the body; the sender is `X-Kannel-From` only with `send-sender = true`.
/// - MT: the reply body becomes the SMS. `text/plain` goes out as GSM-7 and every other character becomes `?`
///   unless the reply carries `X-Kannel-Coding: 2` and the service has `accept-x-kannel-headers = true`.
/// - Kannel cuts UCS-2 parts at exactly 67 UTF-16 units and so splits a surrogate pair (emoji) in half; it does
///   keep GSM escape pairs (€, [, ], …) whole. Faro therefore pads each UCS-2 part to 67 units itself, so that
///   Kannel's cut falls between characters.
/// - Any status other than 200/202, a JSON or an empty body becomes an SMS of Kannel's own
///   (`Could not fetch content, sorry.`, `<Empty reply from service provider>`): errors answer 200 with a safe
///   text, and only a deliberate "send nothing" answers an empty body (needs `omit-empty = true`).
public struct KannelAdapter: Sendable {
    /// Parts Kannel will send at most (`max-messages` in the sms-service); longer replies are cut by Kannel.
    public var maxParts: Int
    /// The SMS sent when Faro cannot answer (internal failure or timeout). GSM-7, one part.
    public var fallbackText: String

    public static let defaultFallbackText =
        "Faro: no pudimos responder ahora, intente en unos minutos. Réessayez plus tard. Please try again later."

    public init(maxParts: Int = 10, fallbackText: String = KannelAdapter.defaultFallbackText) {
        self.maxParts = maxParts
        self.fallbackText = fallbackText
    }

    // MARK: MO (Kannel → Faro)

    /// get-url: `GET …?from=%p&to=%P&text=%b&id=%I&ts=%T` (optionally `coding=%c&charset=%C`).
    /// post-url: `POST` with the text as body and `X-Kannel-From`/`X-Kannel-To` headers; query fields work too.
    public func inbound(_ request: ChannelRequest, receivedAt: Date = Date()) throws(ChannelError) -> InboundMessage {
        let query = FormFields(query: request.rawQuery)
        let from: String
        let to: String?
        let text: String
        switch request.method {
        case "GET":
            from = try query.required("from")
            to = try query.string("to")
            guard let raw = query.bytes("text") else { throw ChannelError(.missingField("text")) }
            text = try Self.decodeText(raw, coding: try query.string("coding"), charset: try query.string("charset"), field: "text")
        case "POST":
            if let h = request.header("X-Kannel-From") {
                from = h
            } else if let q = try query.string("from") {
                from = q
            } else {
                throw ChannelError(.missingField("X-Kannel-From"))
            }
            let queryTo = try query.string("to")
            to = request.header("X-Kannel-To") ?? queryTo
            text = try Self.decodeText(request.body, coding: request.header("X-Kannel-Coding"), charset: request.charset, field: "body")
        default:
            throw ChannelError(.methodNotAllowed(request.method))
        }
        guard let sender = from.nonBlank else { throw ChannelError(.invalidField("from", why: "is empty")) }
        return InboundMessage(from: sender, to: to?.nonBlank, text: text, channel: .sms, session: nil,
                              provider: "kannel", receivedAt: receivedAt)
    }

    /// Text bytes in the charset Kannel declared: UTF-8 (with `mo-recode`), UTF-16BE for `coding=2`,
    /// ISO-8859-1 when declared so.
    static func decodeText(_ bytes: [UInt8], coding: String?, charset: String?, field: String) throws(ChannelError) -> String {
        let cs = charset?.lowercased() ?? ""
        if cs == "utf-16be" || cs == "ucs-2" || cs == "ucs2" || cs == "utf-16" || (coding == "2" && cs.isEmpty) {
            guard let s = utf16BE(bytes) else { throw ChannelError(.invalidUTF8(field: field)) }
            return s
        }
        if cs == "iso-8859-1" || cs == "latin1" || cs == "windows-1252" {
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw ChannelError(.invalidUTF8(field: field)) }
        return s
    }

    static func utf16BE(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 0
        while i < bytes.count { units.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])); i += 2 }
        var out = String.UnicodeScalarView()
        var it = units.makeIterator()
        var codec = UTF16()
        loop: while true {
            switch codec.decode(&it) {
            case .scalarValue(let s): out.append(s)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        return String(out)
    }

    // MARK: MT (Faro → Kannel)

    /// A reply as Kannel must receive it, with what will leave the gateway.
    public struct Rendered: Sendable, Equatable {
        public var response: ChannelResponse
        public var coding: SMSCoding
        /// Parts Kannel will send (0 when nothing is sent).
        public var parts: Int
        /// True when the reply needs more parts than `maxParts`: Kannel will cut it.
        public var exceedsMaxParts: Bool
    }

    /// `text/plain; charset=utf-8`; `X-Kannel-Coding: 2` when any character is outside GSM-7 (or the core chose
    /// UCS-2); UCS-2 parts padded so that no character is cut. An empty reply text is an internal failure and
    /// gets the fallback text, never an empty body.
    public func reply(_ reply: OutboundReply) -> Rendered {
        guard reply.text.nonBlank != nil else { return fallback() }
        return render(reply.text, forceUCS2: reply.encoding == SMSCoding.ucs2.rawValue)
    }

    /// The fallback SMS for internal failures and timeouts: still `200 text/plain`, never a 5xx.
    public func fallback() -> Rendered {
        render(fallbackText, forceUCS2: false)
    }

    /// Send nothing (a dropped flood): an empty 200 body, which Kannel discards when the sms-service has
    /// `omit-empty = true` (else the user would get `<Empty reply from service provider>`).
    public func noReply() -> Rendered {
        Rendered(response: ChannelResponse(status: 200, headers: [.init("Content-Type", "text/plain; charset=utf-8")]),
                 coding: .gsm7, parts: 0, exceedsMaxParts: false)
    }

    /// A refused request: 4xx `text/plain` naming the problem (Kannel then sends its `reply-couldnotfetch` text).
    public func error(_ error: ChannelError) -> ChannelResponse {
        .plain(error.status, error.description)
    }

    func render(_ text: String, forceUCS2: Bool) -> Rendered {
        let wire = Self.wireText(text, forceUCS2: forceUCS2)
        var headers = [ChannelResponse.Header("Content-Type", "text/plain; charset=utf-8")]
        if wire.coding == .ucs2 { headers.append(.init("X-Kannel-Coding", "2")) }
        return Rendered(response: ChannelResponse(status: 200, headers: headers, body: Array(wire.text.utf8)),
                        coding: wire.coding, parts: wire.parts, exceedsMaxParts: wire.parts > maxParts)
    }

    /// The text to hand to Kannel (for a reply body or a sendsms `text`), its coding and its part count.
    /// For concatenated UCS-2 every part but the last is padded with spaces to exactly 67 UTF-16 units, because
    /// Kannel cuts at 67 units whatever is there (seen: a surrogate pair at units 66–67 was split in two SMS).
    public static func wireText(_ text: String, forceUCS2: Bool = false) -> (text: String, coding: SMSCoding, parts: Int) {
        let info = SMS.info(text)
        let coding: SMSCoding = forceUCS2 ? .ucs2 : info.encoding
        // GSM-7 goes as it is: Kannel never splits an escape pair (seen), so only the count is needed.
        if coding == info.encoding, coding == .gsm7 || info.segments == 1 { return (text, coding, info.segments) }
        let parts = SMSParts.split(text, coding: coding)
        guard coding == .ucs2, parts.count > 1 else { return (text, coding, parts.count) }
        var out = ""
        for (i, part) in parts.enumerated() {
            out += part
            if i < parts.count - 1 {
                out += String(repeating: " ", count: SMSParts.ucsPart - part.utf16.count)
            }
        }
        return (out, coding, parts.count)
    }
}

/// Kannel's `sendsms` HTTP interface (smsbox `sendsms-port`), for outbound alerts.
/// The URL carries the password: never log it.
public struct KannelSendSMSRequest: Sendable {
    /// e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`
    public var endpoint: String
    public var username: String
    public var password: String
    /// Sender shown to the subscriber (short code); nil lets Kannel choose.
    public var from: String?

    public init(endpoint: String, username: String, password: String, from: String? = nil) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.from = from
    }

    /// The request URL for one alert. UCS-2 texts are padded like replies so that no character is cut.
    public func url(to: String, text: String) -> String {
        let wire = KannelAdapter.wireText(text)
        var fields: [(String, String)] = [("username", username), ("password", password)]
        if let from { fields.append(("from", from)) }
        fields.append(("to", to))
        fields.append(("text", wire.text))
        fields.append(("charset", "UTF-8"))
        fields.append(("coding", wire.coding == .ucs2 ? "2" : "0"))
        return endpoint + "?" + fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    public enum Outcome: Sendable, Equatable {
        /// `202 0: Accepted for delivery` or `202 3: Queued for later delivery`.
        case accepted
        /// A 4xx: the request itself is wrong (bad password, bad number); retrying will not help.
        case rejected(status: Int)
        /// Anything else (5xx, connection refused upstream): retry later.
        case retry(status: Int)
    }

    public static func outcome(status: Int, body: String) -> Outcome {
        if status == 202 || status == 200 {
            let b = body.trimmingCharacters(in: .whitespacesAndNewlines)
            if b.hasPrefix("0:") || b.hasPrefix("3:") { return .accepted }
            return .retry(status: status)
        }
        if (400..<500).contains(status) { return .rejected(status: status) }
        return .retry(status: status)
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }
}
