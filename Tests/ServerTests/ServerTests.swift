import Channels
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import ServiceLifecycle
import Testing

@Suite("Server operations")
struct ServerTests {
    @Test("healthz, 404s counted under route=other, metrics in Prometheus text")
    func healthAndMetrics() async throws {
        let app = buildApplication(settings: testSettings(), handler: FakeHandler(), logger: quietLogger)
        try await app.test(.live) { client in
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.text == "ok\n")
            #expect(try await client.get("/nope?from=+5215550001").status == .notFound)
            _ = try await client.kannel("información")
            _ = try await client.kannel("boom")
            _ = try await client.kannel("largo")
            _ = try await client.get("/channels/kannel?text=x")
            let metrics = try await client.get("/metrics")
            #expect(metrics.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            let m = metrics.text
            for expected in [
                #"faro_http_requests_total{route="/healthz",status="200"} 1"#,
                #"faro_http_requests_total{route="other",status="404"} 1"#,
                #"faro_http_requests_total{route="/channels/kannel",status="200"} 3"#,
                #"faro_http_requests_total{route="/channels/kannel",status="400"} 1"#,
                #"faro_replies_total{provider="kannel",intent="echo",lang="es"} 1"#,
                #"faro_replies_total{provider="kannel",intent="long",lang="es"} 1"#,
                #"faro_errors_total{route="/channels/kannel",kind="core_failure"} 1"#,
                #"faro_errors_total{route="/channels/kannel",kind="missing_field"} 1"#,
                "# TYPE faro_http_request_duration_seconds histogram",
                #"faro_http_request_duration_seconds_count{route="/channels/kannel"} 4"#,
            ] {
                #expect(m.contains(expected), "missing: \(expected)")
            }
            // Segments: 1 (echo) + 1 (fallback) + the long UCS-2 reply's parts.
            let parts = SMSParts.count(FakeHandler.longUCS2, coding: .ucs2)
            #expect(m.contains(#"faro_sms_segments_total{provider="kannel"} \#(2 + parts)"#))
            #expect(!m.contains("5215550001"))
        }
    }

    @Test("/metrics needs the admin token when one is set")
    func adminToken() async throws {
        let app = buildApplication(settings: testSettings { $0.adminToken = "s3cret" }, handler: FakeHandler(),
                                   logger: quietLogger)
        try await app.test(.live) { client in
            let open = try await client.get("/metrics")
            #expect(open.status == .unauthorized)
            var headers = HTTPFields()
            headers[.authorization] = "Bearer wrong"
            let wrong = try await client.execute(uri: "/metrics", method: .get, headers: headers)
            #expect(wrong.status == .unauthorized)
            headers[.authorization] = "Bearer s3cret"
            let right = try await client.execute(uri: "/metrics", method: .get, headers: headers)
            #expect(right.status == .ok)
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
        }
    }

    @Test("logs never contain a phone number or a message text")
    func privateLogs() async throws {
        let logs = LogStore()
        let secrets = ["+5215550001", "5215550001", "información", "pèlerin", "¿dónde?", "boom", "Recibido"]
        let app = buildApplication(
            settings: testSettings {
                $0.rateLimit = RateLimit(burst: 4, interval: .seconds(3600))
                $0.requestTimeout = .milliseconds(200)
            },
            handler: FakeHandler(), logger: logs.logger)
        try await app.test(.live) { client in
            for text in ["información", "slow", "pèlerin", "boom", "¿dónde?", "más"] { _ = try await client.kannel(text) }
            _ = try await RecordedRequest("twilio/valid-es.http").send(client)
            _ = try await RecordedRequest("twilio/forged-body.http").send(client)
            _ = try await RecordedRequest("kannel/derived-invalid-utf8.http").send(client)
            _ = try await RecordedRequest("africastalking/one-two.http").send(client)
            _ = try await client.post("/v1/messages", contentType: "application/json",
                                      body: #"{"from":"+5215550001","text":"pèlerin"}"#)
        }
        let lines = logs.all
        #expect(lines.count > 10)
        #expect(lines.contains { $0.contains("replied") && $0.contains("who=p") })
        #expect(lines.contains { $0.contains("rate limit") })
        #expect(lines.contains { $0.contains("did not answer in time") })
        for line in lines {
            for secret in secrets { #expect(!line.contains(secret), "log leaks \(secret): \(line)") }
        }
    }

    @Test("graceful shutdown: an in-flight request is answered before the server stops")
    func gracefulShutdown() async throws {
        let port = Self.freePort()
        let app = buildApplication(settings: testSettings { $0.port = port; $0.requestTimeout = .seconds(10) },
                                   handler: FakeHandler(), logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let base = "http://127.0.0.1:\(port)"
            var up = false
            for _ in 0..<100 where !up {
                up = (try? await URLSession.shared.data(from: URL(string: base + "/healthz")!)) != nil
                if !up { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(up)
            let slow = Task { try await URLSession.shared.data(from: URL(string: base + "/channels/kannel?from=1&text=slow")!) }
            try await Task.sleep(for: .milliseconds(500))
            let shutdownAt = ContinuousClock.now
            await group.triggerGracefulShutdown()
            let (data, response) = try await slow.value
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: data, as: UTF8.self) == "too late")
            try await tasks.waitForAll()
            #expect(ContinuousClock.now - shutdownAt < .seconds(8))
        }
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    @Test("settings from the environment; errors name the variable")
    func settings() throws {
        let s = try ServerSettings(environment: [
            "FARO_PORT": "9090", "FARO_TWILIO_AUTH_TOKEN": "tok", "FARO_ADMIN_TOKEN": "adm",
            "FARO_PUBLIC_URL": "https://faro.example.org", "FARO_RATE_LIMIT": "20/60", "FARO_BODY_LIMIT": "8192",
        ])
        #expect(s.port == 9090)
        #expect(s.host == "127.0.0.1")
        #expect(s.twilioAuthToken == "tok")
        #expect(s.adminToken == "adm")
        #expect(s.publicBaseURL == "https://faro.example.org")
        #expect(s.rateLimit == RateLimit(burst: 20, interval: .seconds(3)))
        #expect(s.bodyLimit == 8192)
        #expect(try ServerSettings(environment: ["FARO_RATE_LIMIT": "off"]).rateLimit == nil)
        #expect(throws: SettingsError(message: "FARO_PORT must be a whole number in 0...65535")) {
            try ServerSettings(environment: ["FARO_PORT": "http"])
        }
        #expect(ServerSettings().bodyLimit == 16 * 1024)
    }
}

@Suite("SMS parts")
struct SMSPartsTests {
    struct Example: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let text: String
        let encoding: String
        let units: Int
        let segments: Int
        let part_units: [Int]
        var description: String { name }
    }

    static let examples: [Example] = {
        let url = RecordedRequest.folder.appendingPathComponent("sms-encoding-examples.json")
        return (try? JSONDecoder().decode([Example].self, from: Data(contentsOf: url))) ?? []
    }()

    @Test("reference examples: coding, units and part sizes", arguments: examples)
    func reference(example: Example) {
        let coding = SMSParts.coding(for: example.text)
        #expect(coding.rawValue == example.encoding)
        #expect(SMSParts.units(example.text, coding: coding) == example.units)
        let parts = SMSParts.split(example.text, coding: coding)
        #expect(parts.count == example.segments)
        #expect(parts.map { SMSParts.units($0, coding: coding) } == example.part_units)
        #expect(parts.joined() == example.text)
    }

    @Test("the reference file is there")
    func loaded() { #expect(Self.examples.count >= 15) }
}
