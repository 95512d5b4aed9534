import Channels
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import Testing

@Suite("JSON API /v1/messages")
struct JSONAPITests {
    enum Expect: Sendable {
        case result([String: String])
        case refused(status: Int, naming: String)
    }

    static let recorded: [(String, Expect)] = [
        ("json/sms.http", .result(["from": "+5215550001", "channel": "sms", "text": "¿dónde?", "reply": "Recibido: ¿dónde?",
                                   "encoding": "UCS-2", "intent": "echo", "lang": "es"])),
        ("json/default-channel-extra.http", .result(["channel": "sms", "reply": "Recibido: pèlerin", "encoding": "GSM-7",
                                                     "lang": "fr"])),
        ("json/ussd.http", .result(["channel": "ussd", "session": "s-1", "intent": "menu"])),
        ("json/missing-from.http", .refused(status: 400, naming: "missing field 'from'")),
        ("json/missing-text.http", .refused(status: 400, naming: "missing field 'text'")),
        ("json/bad-channel.http", .refused(status: 400, naming: "field 'channel' must be")),
        ("json/not-json.http", .refused(status: 400, naming: "malformed body")),
        ("json/invalid-utf8.http", .refused(status: 400, naming: "not valid UTF-8")),
    ]

    @Test("recorded requests over real HTTP")
    func live() async throws {
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            for (file, expect) in Self.recorded {
                let response = try await RecordedRequest(file).send(client)
                #expect(response.header("Content-Type") == "application/json", "\(file)")
                let object = try JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any] ?? [:]
                switch expect {
                case .result(let fields):
                    #expect(response.status == .ok, "\(file)")
                    for (k, v) in fields { #expect(object[k] as? String == v, "\(file) \(k)") }
                    for key in ["lang", "intent", "topic", "place", "route", "reply", "encoding", "segments", "latency_us"] {
                        #expect(object[key] != nil, "\(file) lacks \(key)")
                    }
                case .refused(let status, let naming):
                    #expect(Int(response.status.code) == status, "\(file)")
                    #expect((object["error"] as? String)?.contains(naming) == true, "\(file): \(response.text)")
                }
            }
        }
    }

    @Test("flood: 429 with the notice once, then 429 without")
    func flood() async throws {
        let app = buildApplication(settings: testSettings { $0.rateLimit = RateLimit(burst: 1, interval: .seconds(3600)) },
                                   handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            let body = #"{"from":"+5215550001","text":"hola"}"#
            #expect(try await client.post("/v1/messages", contentType: "application/json", body: body).status == .ok)
            let notice = try await client.post("/v1/messages", contentType: "application/json", body: body)
            #expect(notice.status == .tooManyRequests)
            #expect(notice.text.contains(#""notice":"Faro: recibimos demasiados mensajes"#))
            let dropped = try await client.post("/v1/messages", contentType: "application/json", body: body)
            #expect(dropped.status == .tooManyRequests)
            #expect(dropped.text == #"{"error":"rate limited"}"#)
        }
    }

    @Test("core failure: 500; timeout: 504; both JSON")
    func failures() async throws {
        let app = buildApplication(settings: testSettings { $0.requestTimeout = .milliseconds(200) },
                                   handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            let boom = try await client.post("/v1/messages", contentType: "application/json",
                                             body: #"{"from":"+5215550001","text":"boom"}"#)
            #expect(boom.status == .internalServerError)
            #expect(boom.text == #"{"error":"internal error"}"#)
            let slow = try await client.post("/v1/messages", contentType: "application/json",
                                             body: #"{"from":"+5215550001","text":"slow"}"#)
            #expect(slow.status == .gatewayTimeout)
        }
    }

    @Test("the JSON writer escapes what it must")
    func escaping() {
        let message = InboundMessage(from: "+1", text: "a\"b\\c\nd\u{1}é😀", provider: "json")
        let r = JSONAPIAdapter().reply(OutboundReply(text: "ok", encoding: "GSM-7", segments: 1,
                                                     result: ["lang": "es", "intent": nil, "extra": "x"]),
                                       for: message, latencyMicroseconds: 5)
        #expect(r.bodyText == #"{"from":"+1","channel":"sms","text":"a\"b\\c\nd\u0001é😀","lang":"es","intent":null,"topic":null,"place":null,"route":null,"reply":"ok","encoding":"GSM-7","segments":1,"latency_us":5,"extra":"x"}"#)
        let parsed = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]
        #expect(parsed?["text"] as? String == "a\"b\\c\nd\u{1}é😀")
    }
}
