import Channels
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import Testing

@Suite("Twilio webhook")
struct TwilioTests {
    enum Expect: Sendable {
        case message(from: String, text: String)
        case refused(status: Int, naming: String)
    }

    static let recorded: [(String, Expect)] = [
        ("twilio/valid-es.http", .message(from: "+5215550001", text: "¿Dónde está la clínica?")),
        ("twilio/valid-fr.http", .message(from: "+33612345678", text: "pèlerin, où est l'hôpital ?")),
        ("twilio/valid-emoji.http", .message(from: "+5215550001", text: "ayuda 😀 & <gracias>")),
        ("twilio/extra-unknown-fields.http", .message(from: "+5215550001", text: "hola")),
        ("twilio/port-443.http", .message(from: "+5215550001", text: "hola")),
        ("twilio/hmac-sha256.http", .message(from: "+5215550001", text: "hola")),
        ("twilio/forged-body.http", .refused(status: 403, naming: "X-Twilio-Signature")),
        ("twilio/wrong-scheme.http", .refused(status: 403, naming: "X-Twilio-Signature")),
        ("twilio/trailing-slash.http", .refused(status: 403, naming: "X-Twilio-Signature")),
        ("twilio/unsigned.http", .refused(status: 403, naming: "missing signature header 'X-Twilio-Signature'")),
        ("twilio/missing-from.http", .refused(status: 400, naming: "missing field 'From'")),
        ("twilio/invalid-utf8.http", .refused(status: 400, naming: "'Body' is not valid UTF-8")),
    ]

    static var adapter: TwilioAdapter {
        TwilioAdapter(authToken: TwilioFixtures.token, publicBaseURL: TwilioFixtures.publicBaseURL)
    }

    @Test("signature: Twilio's documented vector and one from the official library")
    func vectors() {
        // https://www.twilio.com/docs/usage/webhooks/webhooks-security (POST with five fields).
        let docs = TwilioAdapter.signature(
            url: "https://mycompany.com/myapp.php?foo=1&bar=2",
            fields: [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"),
                     ("From", "+12349013030"), ("To", "+18005551212")],
            secret: "12345")
        #expect(docs == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        // The same URL with no body (computed with twilio-python 9.13.0's RequestValidator).
        #expect(TwilioAdapter.signature(url: "https://mycompany.com/myapp.php?foo=1&bar=2", fields: [], secret: "12345")
            == "zYQTYrRWXE7LtzbG4PfP7/bkkGo=")
        // Accents, sorted names; computed with twilio-python 9.13.0's RequestValidator.
        let fields = [("Body", "¿Dónde está la clínica?"), ("From", "+34600111222"), ("To", "+34900000000")]
        #expect(TwilioAdapter.signature(url: "https://example.org/sms/twilio", fields: fields,
                                        secret: "0123456789abcdef0123456789abcdef") == "fo9lmZTJje4IuYsi26TjO1C6Qgg=")
        let more = fields + [("MessageSid", "SM0123456789abcdef0123456789abcdef"),
                             ("AccountSid", "AC0123456789abcdef0123456789abcdef"), ("NumMedia", "0")]
        #expect(TwilioAdapter.signature(url: "https://example.org/sms/twilio", fields: more,
                                        secret: "0123456789abcdef0123456789abcdef") == "qyON6AFmWfpkARLgKujKCdBggMA=")
        #expect(TwilioAdapter.signature(url: "https://example.org/sms/twilio", fields: more,
                                        secret: "0123456789abcdef0123456789abcdef", algorithm: .sha256)
            == "FQ26aSaSN0i9yeRr5xNG1B91UaGvHPkGjnWav/5UtpY=")
    }

    @Test("adapter reads recorded requests", arguments: recorded)
    func adapter(file: String, expect: Expect) throws {
        let request = RecordedRequest(file).channelRequest
        switch expect {
        case .message(let from, let text):
            let m = try Self.adapter.inbound(request)
            #expect(m.from == from)
            #expect(m.text == text)
            #expect(m.to == "+525500000000")
            #expect(m.provider == "twilio")
        case .refused(let status, let naming):
            do {
                _ = try Self.adapter.inbound(request)
                Issue.record("\(file) was accepted")
            } catch {
                #expect(error.status == status)
                #expect(error.description.contains(naming), "\(error.description)")
            }
        }
    }

    @Test("without a token or with another token every request is refused")
    func tokenRequired() {
        let request = RecordedRequest("twilio/valid-es.http").channelRequest
        #expect(throws: ChannelError(.notConfigured("FARO_TWILIO_AUTH_TOKEN"))) {
            try TwilioAdapter(authToken: nil, publicBaseURL: TwilioFixtures.publicBaseURL).inbound(request)
        }
        #expect(throws: ChannelError(.badSignature(header: "X-Twilio-Signature"))) {
            try TwilioAdapter(authToken: "another", publicBaseURL: TwilioFixtures.publicBaseURL).inbound(request)
        }
        // Behind a proxy, without the public base URL the Host Faro sees is not the one Twilio signed.
        #expect(throws: ChannelError.self) {
            try TwilioAdapter(authToken: TwilioFixtures.token, publicBaseURL: "http://127.0.0.1:8080").inbound(request)
        }
    }

    @Test("URL variants with and without the default port")
    func variants() {
        #expect(TwilioAdapter(authToken: "x", publicBaseURL: "https://a.org/").publicBaseURL == "https://a.org")
    }

    @Test("recorded requests over real HTTP; refusals are logged without the body")
    func live() async throws {
        let logs = LogStore()
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: logs.logger)
        try await app.test(.live) { client in
            for (file, expect) in Self.recorded {
                let response = try await RecordedRequest(file).send(client)
                switch expect {
                case .message(_, let text):
                    #expect(response.status == .ok, "\(file): \(response.text)")
                    #expect(response.header("Content-Type") == "text/xml; charset=utf-8")
                    #expect(response.text == #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>"#
                        + Self.escaped("Recibido: " + text) + "</Message></Response>", "\(file)")
                case .refused(let status, let naming):
                    #expect(Int(response.status.code) == status, "\(file)")
                    #expect(response.text.contains(naming), "\(file): \(response.text)")
                }
            }
        }
        let refusals = logs.all.filter { $0.contains("request refused") }
        #expect(refusals.count == 6)
        for line in logs.all {
            #expect(!line.contains("Dónde"), "\(line)")
            #expect(!line.contains("ENVIAR"), "\(line)")
            #expect(!line.contains("5215550001"), "\(line)")
        }
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
    }

    @Test("TwiML escapes markup and drops characters XML forbids")
    func twiml() {
        let r = Self.adapter.reply(OutboundReply(text: "a < b & \"c\" 'd' </Message>\u{1}ok", encoding: "GSM-7", segments: 1))
        #expect(r.bodyText == #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>a &lt; b &amp; &quot;c&quot; &apos;d&apos; &lt;/Message&gt;ok</Message></Response>"#)
        #expect(Self.adapter.noReply().bodyText == #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)
    }

    @Test("oversized body: 413 before anything is parsed")
    func oversized() async throws {
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            let body = "From=%2B5215550001&Body=" + String(repeating: "a", count: 20 * 1024)
            let r = try await client.post("/channels/twilio", contentType: "application/x-www-form-urlencoded", body: body,
                                          headers: [("X-Twilio-Signature", "whatever")])
            #expect(r.status == .contentTooLarge)
            #expect(r.text == "body larger than 16384 bytes")
        }
    }

    @Test("core failure or an empty reply still answers TwiML with the fallback text", arguments: ["boom", "empty"])
    func failure(text: String) async throws {
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            let fields = [("From", "+5215550001"), ("Body", text), ("To", "+525500000000")]
            let url = TwilioFixtures.publicBaseURL + "/channels/twilio"
            let sig = TwilioAdapter.signature(url: url, fields: fields, secret: TwilioFixtures.token)
            let body = fields.map { "\($0.0)=\(formEncode($0.1))" }.joined(separator: "&")
            let r = try await client.post("/channels/twilio", contentType: "application/x-www-form-urlencoded", body: body,
                                          headers: [("X-Twilio-Signature", sig)])
            #expect(r.status == .ok)
            #expect(r.text.contains("<Message>Faro: no pudimos responder ahora"))
        }
    }
}
