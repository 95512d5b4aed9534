import Foundation

/// A USSD request after decoding: the session and the inputs so far.
public struct USSDRequest: Sendable, Equatable {
    public var session: String
    public var serviceCode: String?
    public var from: String
    public var networkCode: String?
    /// Inputs so far, oldest first (`text` split on `*`); empty on the first request of a session.
    public var path: [String]

    public init(session: String, serviceCode: String?, from: String, networkCode: String?, path: [String]) {
        self.session = session
        self.serviceCode = serviceCode
        self.from = from
        self.networkCode = networkCode
        self.path = path
    }
}

/// Africa's Talking USSD callback. https://developers.africastalking.com/docs/ussd/handle_sessions
///
/// - `POST application/x-www-form-urlencoded` with `sessionId`, `serviceCode`, `phoneNumber`, `networkCode`, `text`.
///   `text` is empty on the first request, then ALL inputs so far joined by `*` (`1`, `1*2`, `1*2*3`): the
///   screen is a function of that path, so a retried request gets the same screen.
/// - Reply: 200 `text/plain`, `CON <screen>` (wait for input) or `END <screen>` (close). A screen holds 182
///   GSM-7 characters (160 octets); a longer one is cut by the operator, so it is cut here, at a character.
public struct AfricasTalkingUSSDAdapter: Sendable {
    public static let screenLimit = 182
    /// The screen shown when Faro cannot answer (internal failure or timeout); closes the session.
    public var fallbackText: String

    public static let defaultFallbackText = "Faro: servicio no disponible, intente mas tarde. Service indisponible. Service unavailable."

    public init(fallbackText: String = AfricasTalkingUSSDAdapter.defaultFallbackText) {
        self.fallbackText = fallbackText
    }

    public func inbound(_ request: ChannelRequest) throws(ChannelError) -> USSDRequest {
        guard request.method == "POST" else { throw ChannelError(.methodNotAllowed(request.method)) }
        if let type = request.mediaType, type != "application/x-www-form-urlencoded" {
            throw ChannelError(.unsupportedMediaType(type))
        }
        let form = FormFields(encoded: request.body)
        let session = try form.required("sessionId")
        let phone = try form.required("phoneNumber")
        let serviceCode = try form.string("serviceCode")
        let network = try form.string("networkCode")
        let text = try form.string("text") ?? ""
        guard let sessionId = session.nonBlank else { throw ChannelError(.invalidField("sessionId", why: "is empty")) }
        guard let from = phone.nonBlank else { throw ChannelError(.invalidField("phoneNumber", why: "is empty")) }
        return USSDRequest(session: sessionId, serviceCode: serviceCode?.nonBlank, from: from,
                           networkCode: network?.nonBlank, path: Self.path(text))
    }

    /// `""` → `[]`, `"1*2"` → `["1", "2"]`; inputs are trimmed, empty inputs kept (the user sent nothing).
    public static func path(_ text: String) -> [String] {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty { return [] }
        return t.split(separator: "*", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `CON …` or `END …`, the screen cut to 182 characters.
    public func reply(_ reply: OutboundReply) -> (response: ChannelResponse, truncated: Bool) {
        let (screen, truncated) = Self.fit(reply.text)
        guard screen.nonBlank != nil else { return (fallback(), false) }
        return (.plain(200, (reply.endsSession ? "END " : "CON ") + screen), truncated)
    }

    /// The fallback screen (internal failure or timeout): `END` with a short notice.
    public func fallback() -> ChannelResponse {
        .plain(200, "END " + Self.fit(fallbackText).screen)
    }

    /// Close the session with nothing more to show (a dropped flood).
    public func noReply() -> ChannelResponse {
        .plain(200, "END")
    }

    public func error(_ error: ChannelError) -> ChannelResponse {
        .plain(error.status, error.description)
    }

    /// The screen within 182 units (GSM-7 septets when it is GSM-7, else UTF-16 units), cut at a character.
    public static func fit(_ text: String) -> (screen: String, truncated: Bool) {
        let coding = SMSParts.coding(for: text)
        if SMSParts.units(text, coding: coding) <= screenLimit { return (text, false) }
        var out = ""
        var used = 0
        for ch in text {
            let u = SMSParts.units(ch, coding: coding)
            if used + u > screenLimit { break }
            out.append(ch)
            used += u
        }
        return (out, true)
    }
}
