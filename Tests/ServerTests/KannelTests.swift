import Channels
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import Testing

@Suite("Kannel sms-service")
struct KannelTests {
    /// What a recorded Kannel request must become.
    enum Expect: Sendable {
        case message(from: String, to: String?, text: String)
        case refused(status: Int, naming: String)
    }

    static let recorded: [(String, Expect)] = [
        ("kannel/get-informacion.http", .message(from: "+5215550001", to: "5555", text: "información")),
        ("kannel/get-pelerin.http", .message(from: "+5215550001", to: "5555", text: "pèlerin")),
        ("kannel/get-donde.http", .message(from: "+5215550001", to: "5555", text: "¿dónde?")),
        ("kannel/get-emoji.http", .message(from: "+5215550001", to: "5555", text: "hola 😀 ayuda")),
        ("kannel/get-plus-ampersand.http", .message(from: "+5215550001", to: "5555", text: "a+b c&d=e%f")),
        ("kannel/get-empty-text.http", .message(from: "+5215550001", to: "5555", text: "")),
        ("kannel/get-ucs2-without-mo-recode.http", .message(from: "+5215550001", to: "5555", text: "¿dónde? 😀")),
        ("kannel/post-pelerin-fr.http", .message(from: "+33612345678", to: "5555", text: "pèlerin où est l’hôpital ?")),
        ("kannel/post-ayuda.http", .message(from: "+5215550001", to: "5555", text: "ayuda")),
        ("kannel/derived-missing-from.http", .refused(status: 400, naming: "'from'")),
        ("kannel/derived-missing-text.http", .refused(status: 400, naming: "'text'")),
        ("kannel/derived-invalid-utf8.http", .refused(status: 400, naming: "not valid UTF-8")),
        ("kannel/derived-post-missing-sender.http", .refused(status: 400, naming: "'X-Kannel-From'")),
    ]

    @Test("adapter reads recorded requests", arguments: recorded)
    func adapter(file: String, expect: Expect) throws {
        let request = RecordedRequest(file)
        let adapter = KannelAdapter()
        switch expect {
        case .message(let from, let to, let text):
            let m = try adapter.inbound(request.channelRequest)
            #expect(m.from == from)
            #expect(m.to == to)
            #expect(m.text == text)
            #expect(m.channel == .sms)
            #expect(m.provider == "kannel")
        case .refused(let status, let naming):
            #expect(throws: ChannelError.self) { try adapter.inbound(request.channelRequest) }
            do {
                _ = try adapter.inbound(request.channelRequest)
            } catch {
                #expect(error.status == status)
                #expect(error.description.contains(naming), "\(error.description)")
            }
        }
    }

    @Test("recorded requests over real HTTP")
    func live() async throws {
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            for (file, expect) in Self.recorded {
                let response = try await RecordedRequest(file).send(client)
                switch expect {
                case .message(_, _, let text):
                    #expect(response.status == .ok, "\(file)")
                    #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
                    let reply = "Recibido: " + text
                    #expect(response.text == reply, "\(file)")
                    #expect(response.header("X-Kannel-Coding") == (SMSParts.isGSM7(reply) ? nil : "2"), "\(file)")
                case .refused(let status, let naming):
                    #expect(Int(response.status.code) == status, "\(file)")
                    #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
                    #expect(response.text.contains(naming), "\(file): \(response.text)")
                }
            }
        }
    }

    @Test("coding: GSM-7 when it fits (no header), X-Kannel-Coding 2 otherwise")
    func coding() {
        let adapter = KannelAdapter()
        let cases: [(String, String?)] = [
            ("Hola, ¿dónde está?", "2"),        // ó, á: not GSM-7
            ("Le pèlerin à Genève", nil),        // è à é are GSM-7
            ("Niño ¿ ¡ ñ Ü € [ ] ~", nil),       // basic + extension table
            ("ça va", "2"),                      // lowercase ç is not GSM-7 (Kannel would send Ç)
            ("ok 😀", "2"),
        ]
        for (text, header) in cases {
            let r = adapter.reply(OutboundReply(text: text, encoding: "GSM-7", segments: 1))
            #expect(r.response.header("X-Kannel-Coding") == header, "\(text)")
            #expect(r.response.status == 200)
            #expect(r.response.bodyText == text)
        }
        // The core may choose UCS-2 for a GSM-7 text; that is honoured.
        let forced = adapter.reply(OutboundReply(text: "hola", encoding: "UCS-2", segments: 1))
        #expect(forced.response.header("X-Kannel-Coding") == "2")
    }

    @Test("UCS-2 parts are padded so Kannel's 67-unit cut never splits a character",
          arguments: [FakeHandler.emojiBoundary, FakeHandler.emojiEveryBoundary, FakeHandler.longUCS2,
                      String(repeating: "😀", count: 80), "á" + String(repeating: "🇲🇽", count: 40)])
    func padding(text: String) {
        let rendered = KannelAdapter().reply(OutboundReply(text: text, encoding: "UCS-2", segments: 0))
        let body = rendered.response.bodyText
        let parts = kannelUCS2Cut(body)
        #expect(parts.count == rendered.parts)
        #expect(parts.count == SMSParts.count(text, coding: .ucs2))
        for part in parts { #expect(decodesCleanly(part), "a part starts or ends inside a surrogate pair") }
        // Only spaces were added, and only at the end of parts.
        let stripped = parts.map { String(decoding: $0, as: UTF16.self) }
        #expect(stripped.joined() == body)
        #expect(body.replacingOccurrences(of: " ", with: "") == text.replacingOccurrences(of: " ", with: ""))
    }

    @Test("unpadded, the same text WOULD be cut by Kannel (why the padding exists)")
    func withoutPaddingKannelCuts() {
        let parts = kannelUCS2Cut(FakeHandler.emojiBoundary)
        #expect(!decodesCleanly(parts[0]))
    }

    @Test("GSM-7 long replies are not padded (Kannel keeps escape pairs whole itself)")
    func gsmNotPadded() {
        let r = KannelAdapter().reply(OutboundReply(text: FakeHandler.euroBoundary, encoding: "GSM-7", segments: 2))
        #expect(r.response.bodyText == FakeHandler.euroBoundary)
        #expect(r.parts == 2)
        #expect(r.response.header("X-Kannel-Coding") == nil)
    }

    @Test("never an empty body, HTML, JSON or 5xx: failures answer 200 text/plain with the fallback")
    func failures() async throws {
        let handler = FakeHandler()
        let app = buildApplication(settings: testSettings { $0.requestTimeout = .milliseconds(300) },
                                   handler: handler, logger: quietLogger)
        try await app.test(.live) { client in
            for text in ["boom", "empty", "slow"] {
                let start = ContinuousClock.now
                let r = try await client.kannel(text)
                #expect(r.status == .ok, "\(text)")
                #expect(r.header("Content-Type") == "text/plain; charset=utf-8")
                #expect(r.text == KannelAdapter.defaultFallbackText, "\(text)")
                #expect(r.header("X-Kannel-Coding") == nil)
                #expect(ContinuousClock.now - start < .seconds(2), "\(text) took too long")
            }
        }
        #expect(SMSParts.isGSM7(KannelAdapter.defaultFallbackText))
        #expect(SMSParts.count(KannelAdapter.defaultFallbackText, coding: .gsm7) == 1)
    }

    @Test("long replies: whole, in the right coding, with the part count Kannel will send")
    func longReplies() async throws {
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            let gsm = try await client.kannel("long")
            #expect(gsm.text == FakeHandler.longGSM)
            #expect(gsm.header("X-Kannel-Coding") == nil)
            let ucs = try await client.kannel("largo")
            #expect(ucs.header("X-Kannel-Coding") == "2")
            for part in kannelUCS2Cut(ucs.text) { #expect(decodesCleanly(part)) }
        }
    }

    @Test("a flood from one number: answered once with the notice, then empty 200s (omit-empty)")
    func flood() async throws {
        let handler = FakeHandler()
        let app = buildApplication(settings: testSettings { $0.rateLimit = RateLimit(burst: 2, interval: .seconds(3600)) },
                                   handler: handler, logger: quietLogger)
        try await app.test(.live) { client in
            #expect(try await client.kannel("uno").text == "Recibido: uno")
            #expect(try await client.kannel("dos").text == "Recibido: dos")
            let notice = try await client.kannel("tres")
            #expect(notice.status == .ok)
            #expect(notice.text.hasPrefix("Faro: recibimos demasiados mensajes"))
            for _ in 0..<3 {
                let dropped = try await client.kannel("otra vez")
                #expect(dropped.status == .ok)
                #expect(dropped.body.readableBytes == 0)
            }
            // Another number is not affected.
            #expect(try await client.kannel("hola", from: "+5215550002").text == "Recibido: hola")
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"faro_rate_limited_total{provider="kannel",action="notice"} 1"#))
            #expect(metrics.contains(#"faro_rate_limited_total{provider="kannel",action="drop"} 3"#))
        }
        #expect(handler.handledCount == 3)
        #expect(handler.noticeCount == 1)
    }

    @Test("oversized post-url body: 413")
    func oversized() async throws {
        let app = buildApplication(settings: testSettings { $0.bodyLimit = 1024 }, handler: FakeHandler(),
                                   logger: quietLogger)
        try await app.test(.live) { client in
            let r = try await client.post("/channels/kannel", contentType: "text/plain; charset=\"UTF-8\"",
                                          body: String(repeating: "a", count: 4096),
                                          headers: [("X-Kannel-From", "+5215550001")])
            #expect(r.status == .contentTooLarge)
            #expect(r.text.contains("1024"))
        }
    }

    @Test("sendsms URL for alerts: UTF-8, coding 2 when needed, padded like replies")
    func sendsms() throws {
        let s = KannelSendSMSRequest(endpoint: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "faro", password: "p&w", from: "5555")
        let url = s.url(to: "+5215550001", text: "Ruta del Pacífico cerrada")
        #expect(url.hasPrefix("http://127.0.0.1:13013/cgi-bin/sendsms?username=faro&password=p%26w&from=5555&to=%2B5215550001&text=Ruta%20del%20Pac%C3%ADfico%20cerrada"))
        #expect(url.hasSuffix("&charset=UTF-8&coding=2"))
        #expect(s.url(to: "1", text: "Ruta cerrada").hasSuffix("&coding=0"))
        #expect(KannelSendSMSRequest.outcome(status: 202, body: "0: Accepted for delivery") == .accepted)
        #expect(KannelSendSMSRequest.outcome(status: 202, body: "3: Queued for later delivery") == .accepted)
        #expect(KannelSendSMSRequest.outcome(status: 403, body: "Authorization failed for sendsms") == .rejected(status: 403))
        #expect(KannelSendSMSRequest.outcome(status: 503, body: "") == .retry(status: 503))
    }
}
