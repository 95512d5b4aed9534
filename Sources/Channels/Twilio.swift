import Crypto
import Foundation

/// Twilio Programmable Messaging inbound webhook and TwiML reply.
///
/// - The request is `POST application/x-www-form-urlencoded` with `From`, `To`, `Body`, `MessageSid`, … Twilio adds
///   fields without notice: unknown ones are ignored.
/// - `X-Twilio-Signature` = base64(HMAC-SHA1(auth token, full URL as Twilio called it + every POST field's name and
///   value, sorted by name, no separators)). https://www.twilio.com/docs/usage/webhooks/webhooks-security
///   Behind a proxy the Host and scheme Faro sees are not the ones Twilio signed, so the public base URL is
///   configured. Like Twilio's own validators, the URL is also tried with and without the default port.
///   A request carrying `X-Twilio-Webhooks-Signature-Settings: …,algorithm=HMAC_SHA256` is checked with
///   HMAC-SHA256 (the secret is then the SharedKey secret).
/// - Reply: TwiML `<Response><Message>…</Message></Response>` as `text/xml`; nothing to send is `<Response/>`.
public struct TwilioAdapter: Sendable {
    /// The account auth token (or SharedKey secret). Without it every request is refused.
    public var authToken: String?
    /// The public URL prefix Twilio calls, e.g. `https://faro.example.org`; the request's path and query are
    /// appended. Nil: rebuilt from `X-Forwarded-Proto`/`X-Forwarded-Host`/`Host` (only right without a proxy
    /// that rewrites them).
    public var publicBaseURL: String?

    public init(authToken: String?, publicBaseURL: String? = nil) {
        self.authToken = authToken?.nonBlank
        var base = publicBaseURL?.nonBlank
        while base?.hasSuffix("/") == true { base?.removeLast() }
        self.publicBaseURL = base
    }

    public static let signatureHeader = "X-Twilio-Signature"
    public static let settingsHeader = "X-Twilio-Webhooks-Signature-Settings"

    /// Verifies the signature, then reads `From`, `To` and `Body`.
    public func inbound(_ request: ChannelRequest, receivedAt: Date = Date()) throws(ChannelError) -> InboundMessage {
        guard request.method == "POST" else { throw ChannelError(.methodNotAllowed(request.method)) }
        if let type = request.mediaType, type != "application/x-www-form-urlencoded" {
            throw ChannelError(.unsupportedMediaType(type))
        }
        guard let token = authToken else { throw ChannelError(.notConfigured("FARO_TWILIO_AUTH_TOKEN")) }
        guard let signature = request.header(Self.signatureHeader)?.nonBlank else {
            throw ChannelError(.missingSignature(header: Self.signatureHeader))
        }
        let form = FormFields(encoded: request.body)
        let algorithm = Self.algorithm(settings: request.header(Self.settingsHeader))
        guard let algorithm else { throw ChannelError(.badSignature(header: Self.signatureHeader)) }
        let url = publicURL(for: request)
        let valid = Self.urlVariants(url).contains { candidate in
            constantTimeEqual(Self.signature(url: candidate, form: form, secret: token, algorithm: algorithm), signature)
        }
        guard valid else { throw ChannelError(.badSignature(header: Self.signatureHeader)) }

        let from = try form.required("From")
        let body = try form.required("Body")
        let to = try form.string("To")
        guard let sender = from.nonBlank else { throw ChannelError(.invalidField("From", why: "is empty")) }
        return InboundMessage(from: sender, to: to?.nonBlank, text: body, channel: .sms, session: nil,
                              provider: "twilio", receivedAt: receivedAt)
    }

    /// TwiML with the text escaped. An empty text answers `<Response/>` (no SMS).
    public func reply(_ reply: OutboundReply) -> ChannelResponse {
        guard !reply.text.isEmpty else { return noReply() }
        let xml = #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>"#
            + Self.xmlEscape(reply.text) + "</Message></Response>"
        return ChannelResponse(status: 200, contentType: "text/xml; charset=utf-8", text: xml)
    }

    /// Nothing to send.
    public func noReply() -> ChannelResponse {
        ChannelResponse(status: 200, contentType: "text/xml; charset=utf-8",
                        text: #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)
    }

    /// A refused request: the status and a plain-text line naming the problem.
    public func error(_ error: ChannelError) -> ChannelResponse {
        .plain(error.status, error.description)
    }

    // MARK: Signature

    public enum Algorithm: Sendable { case sha1, sha256 }

    /// The algorithm named by `X-Twilio-Webhooks-Signature-Settings` (absent: HMAC-SHA1); nil when unsupported.
    static func algorithm(settings: String?) -> Algorithm? {
        guard let settings else { return .sha1 }
        for part in settings.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == "algorithm" else { continue }
            switch kv[1].trimmingCharacters(in: .whitespaces).uppercased() {
            case "", "HMAC_SHA1": return .sha1
            case "HMAC_SHA256": return .sha256
            default: return nil
            }
        }
        return .sha1
    }

    /// The URL Twilio called, as it would have signed it.
    public func publicURL(for request: ChannelRequest) -> String {
        if let base = publicBaseURL { return base + request.uri }
        let proto = request.header("X-Forwarded-Proto")?.split(separator: ",").first
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "http"
        let host = request.header("X-Forwarded-Host") ?? request.header("Host") ?? "localhost"
        return "\(proto)://\(host)\(request.uri)"
    }

    /// The signature over a URL and form fields (names sorted by code point, then values, duplicates once —
    /// as Twilio's validators do), base64.
    public static func signature(url: String, form: FormFields, secret: String, algorithm: Algorithm = .sha1) -> String {
        var data = Array(url.utf8)
        var byName: [[UInt8]: Set<[UInt8]>] = [:]
        for (name, value) in form.pairs { byName[name, default: []].insert(value) }
        for name in byName.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            for value in byName[name]!.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                data += name
                data += value
            }
        }
        let key = SymmetricKey(data: Array(secret.utf8))
        switch algorithm {
        case .sha1: return Data(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: key)).base64EncodedString()
        case .sha256: return Data(HMAC<SHA256>.authenticationCode(for: data, using: key)).base64EncodedString()
        }
    }

    /// Convenience for tests and tools: the signature for named string fields.
    public static func signature(url: String, fields: [(String, String)], secret: String, algorithm: Algorithm = .sha1) -> String {
        signature(url: url, form: FormFields(pairs: fields.map { (Array($0.0.utf8), Array($0.1.utf8)) }),
                  secret: secret, algorithm: algorithm)
    }

    /// The URL as given, without its port, and with the scheme's default port (Twilio signs either way).
    static func urlVariants(_ url: String) -> [String] {
        guard let schemeEnd = url.range(of: "://") else { return [url] }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        let head = url[..<schemeEnd.upperBound]
        // Host without port (IPv6 literals keep their brackets).
        var host = Substring(authority)
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            host = authority[..<colon]
        }
        let defaultPort = scheme == "https" ? "443" : "80"
        var variants = [url, "\(head)\(host)\(tail)", "\(head)\(host):\(defaultPort)\(tail)"]
        var seen = Set<String>()
        variants.removeAll { !seen.insert($0).inserted }
        return variants
    }


    /// XML text escaping; characters XML 1.0 forbids (most C0 controls) are dropped.
    static func xmlEscape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
