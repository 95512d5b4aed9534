import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Simulation
import Testing

/// The deployed path: the real `faro serve` binary on loopback, driven by `simulator replay --target` logic in
/// each provider's wire format with the Spanish scenario file.
@Suite(.serialized) struct ServeTests {
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func everyChannelAnswersTheScenariosThroughARealServer() async throws {
        let binary = Fixtures.root.appendingPathComponent(".build/debug/faro").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { Issue.record("build faro first"); return }
        let dir = Scratch()
        let port = Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["serve", "--port", "\(port)", "--content", Fixtures.messages, "--db", dir.path("faro.sqlite"),
                            "--log-level", "warning"]
        server.environment = ["FARO_TWILIO_AUTH_TOKEN": "test-token", "FARO_RATE_LIMIT": "off",
                              "FARO_PSEUDONYM_KEY": "0123456789abcdef0123456789abcdef"]
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? await URLSession.shared.data(from: base.appendingPathComponent("healthz")))
                .map { ($0.1 as? HTTPURLResponse)?.statusCode == 200 } ?? false
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready, "faro serve did not start")

        let scenario = Fixtures.root.appendingPathComponent("simulator/scenarios/es-conversaciones.csv").path
        for channel in [HTTPTarget.Channel.json, .kannel, .twilio] {
            let target = HTTPTarget(base: base, channel: channel, twilioToken: "test-token")
            for item in TrafficReader(path: scenario) {
                guard case .message(var message) = item else { continue }
                message.from += channel.rawValue.count.description      // a fresh conversation per channel
                let result = try await target.send(message)
                #expect(HTTPTarget.failures(message, result).isEmpty, "\(channel) line \(message.line): \(HTTPTarget.failures(message, result))")
            }
        }
        // A Twilio request signed with another token is refused.
        let forged = HTTPTarget(base: base, channel: .twilio, twilioToken: "not-the-token")
        let refused = try await forged.send(TrafficLine(line: 1, at: 0, from: "+5215550000000", channel: "sms",
                                                        text: "hola", session: nil, expectations: [:]))
        #expect(refused.status == 403)
        // USSD: the menu tree, back home with 00.
        let ussd = HTTPTarget(base: base, channel: .ussd)
        var screens: [String] = []
        for (i, input) in ["", "2", "1", "00"].enumerated() {
            let r = try await ussd.send(TrafficLine(line: i, at: 0, from: "+5215550000001", channel: "ussd", text: input,
                                                    session: "s-1", expectations: [:]))
            #expect(r.status == 200 && r.reply.count <= 182)
            screens.append(r.reply)
        }
        #expect(screens[0].contains("1 SOS") && screens[1].contains("ASILO") && screens[2].contains("COMAR"))
        #expect(screens[3] == screens[0])
    }
}
