import Channels
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import Testing

@Suite("Africa's Talking USSD")
struct AfricasTalkingTests {
    enum Expect: Sendable {
        case screen(path: [String], starts: String)
        case refused(status: Int, naming: String)
    }

    static let recorded: [(String, Expect)] = [
        ("africastalking/first.http", .screen(path: [], starts: "CON Faro\n1 Derechos")),
        ("africastalking/one.http", .screen(path: ["1"], starts: "CON Derechos\n1 Asilo")),
        ("africastalking/one-two.http", .screen(path: ["1", "2"], starts: "CON Derecho 2:")),
        ("africastalking/back.http", .screen(path: ["1", "0"], starts: "CON Faro\n1 Derechos")),
        ("africastalking/home.http", .screen(path: ["1", "2", "00"], starts: "CON Faro\n1 Derechos")),
        ("africastalking/more.http", .screen(path: ["3", "98"], starts: "CON Albergue 5:")),
        ("africastalking/more-more-back.http", .screen(path: ["3", "98", "98", "0"], starts: "CON Faro\n1 Derechos")),
        ("africastalking/leaf-end.http", .screen(path: ["2"], starts: "END Peligros:")),
        ("africastalking/too-long.http", .screen(path: ["9"], starts: "CON Texto demasiado largo")),
        ("africastalking/extra-fields.http", .screen(path: ["1"], starts: "CON Derechos")),
        ("africastalking/missing-session.http", .refused(status: 400, naming: "missing field 'sessionId'")),
        ("africastalking/missing-phone.http", .refused(status: 400, naming: "missing field 'phoneNumber'")),
    ]

    @Test("adapter reads recorded requests", arguments: recorded)
    func adapter(file: String, expect: Expect) throws {
        let request = RecordedRequest(file).channelRequest
        switch expect {
        case .screen(let path, _):
            let u = try AfricasTalkingUSSDAdapter().inbound(request)
            #expect(u.path == path)
            #expect(u.session == "ATUid_7d1e0c2b9f6a4e8d")
            #expect(u.from == "+5215550001")
            #expect(u.serviceCode == "*384*44135#")
            #expect(u.networkCode == "33420")
        case .refused(let status, let naming):
            do {
                _ = try AfricasTalkingUSSDAdapter().inbound(request)
                Issue.record("\(file) was accepted")
            } catch {
                #expect(error.status == status)
                #expect(error.description.contains(naming))
            }
        }
    }

    @Test("recorded requests over real HTTP: CON/END screens, never over 182 characters; retries give the same screen")
    func live() async throws {
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            for (file, expect) in Self.recorded {
                let response = try await RecordedRequest(file).send(client)
                switch expect {
                case .screen(_, let starts):
                    #expect(response.status == .ok, "\(file)")
                    #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
                    #expect(response.text.hasPrefix(starts), "\(file): \(response.text)")
                    #expect(Self.screenUnits(response.text) <= 182, "\(file)")
                    // A retried request (same path) gets the same screen.
                    let again = try await RecordedRequest(file).send(client)
                    #expect(again.text == response.text, "\(file)")
                case .refused(let status, let naming):
                    #expect(Int(response.status.code) == status, "\(file)")
                    #expect(response.text.contains(naming))
                }
            }
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"faro_errors_total{route="/channels/africastalking/ussd",kind="ussd_screen_truncated"} 2"#))
        }
    }

    /// Units of the screen after `CON `/`END `.
    static func screenUnits(_ body: String) -> Int {
        let screen = String(body.dropFirst(4))
        return SMSParts.units(screen, coding: SMSParts.coding(for: screen))
    }

    @Test("every path up to three inputs: a CON/END screen of at most 182 characters")
    func exhaustive() async throws {
        let inputs = ["1", "2", "3", "9", "0", "00", "98", "7", ""]
        var paths: [[String]] = [[]]
        for a in inputs {
            paths.append([a])
            for b in inputs {
                paths.append([a, b])
                for c in inputs { paths.append([a, b, c]) }
            }
        }
        let allPaths = paths
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: quietLogger)
        try await app.test(.router) { client in
            for path in allPaths {
                let body = "sessionId=s&phoneNumber=%2B5215550001&serviceCode=%2A384%23&networkCode=33420&text="
                    + formEncode(path.joined(separator: "*"))
                let r = try await client.post("/channels/africastalking/ussd", contentType: "application/x-www-form-urlencoded",
                                              body: body)
                #expect(r.status == .ok)
                #expect(r.text.hasPrefix("CON ") || r.text.hasPrefix("END "), "\(path)")
                #expect(Self.screenUnits(r.text) <= 182, "\(path)")
            }
        }
    }

    @Test("fit: cut at a character, counting GSM-7 septets or UTF-16 units")
    func fit() {
        #expect(AfricasTalkingUSSDAdapter.fit(String(repeating: "a", count: 182)) == (String(repeating: "a", count: 182), false))
        #expect(AfricasTalkingUSSDAdapter.fit(String(repeating: "a", count: 183)).screen.count == 182)
        // € is two septets.
        #expect(AfricasTalkingUSSDAdapter.fit(String(repeating: "€", count: 100)).screen.count == 91)
        // An emoji is never cut in half.
        let cut = AfricasTalkingUSSDAdapter.fit("á" + String(repeating: "😀", count: 100)).screen
        #expect(cut.utf16.count == 181)
        #expect(AfricasTalkingUSSDAdapter.path("") == [])
        #expect(AfricasTalkingUSSDAdapter.path("1*2*98") == ["1", "2", "98"])
        #expect(AfricasTalkingUSSDAdapter.path("1**2") == ["1", "", "2"])
    }

    @Test("core failure closes the session with the fallback screen")
    func failure() async throws {
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            let r = try await client.post("/channels/africastalking/ussd", contentType: "application/x-www-form-urlencoded",
                                          body: "sessionId=s&phoneNumber=%2B5215550001&serviceCode=x&text=boom")
            #expect(r.status == .ok)
            #expect(r.text == "END " + AfricasTalkingUSSDAdapter.defaultFallbackText)
        }
    }
}
