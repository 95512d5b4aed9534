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

    static let scenario = Fixtures.root.appendingPathComponent("simulator/scenarios/es-conversaciones.csv").path

    /// `faro serve` (the debug build) on a free loopback port with a database in `dir`, once it answers /healthz.
    static func startServer(in dir: Scratch) async throws -> (Process, URL)? {
        let binary = Fixtures.root.appendingPathComponent(".build/debug/faro").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { Issue.record("build faro first"); return nil }
        let port = freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["serve", "--port", "\(port)", "--content", Fixtures.messages, "--db", dir.path("faro.sqlite"),
                            "--log-level", "warning"]
        server.environment = ["FARO_TWILIO_AUTH_TOKEN": "test-token", "FARO_RATE_LIMIT": "off",
                              "FARO_PSEUDONYM_KEY": "0123456789abcdef0123456789abcdef"]
        server.standardError = FileHandle.nullDevice
        try server.run()
        let base = URL(string: "http://127.0.0.1:\(port)")!
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? await URLSession.shared.data(from: base.appendingPathComponent("healthz")))
                .map { ($0.1 as? HTTPURLResponse)?.statusCode == 200 } ?? false
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready, "faro serve did not start")
        return (server, base)
    }

    @Test func everyChannelAnswersTheScenariosThroughARealServer() async throws {
        let dir = Scratch()
        guard let (server, base) = try await Self.startServer(in: dir) else { return }
        defer { server.terminate(); server.waitUntilExit() }

        let scenario = Self.scenario
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

    @Test func theSimulatorReplaysNumbersAtOnceKeepingEachNumbersOrder() async throws {
        let simulator = Fixtures.root.appendingPathComponent(".build/debug/simulator").path
        guard FileManager.default.isExecutableFile(atPath: simulator) else { Issue.record("build the simulator first"); return }
        let dir = Scratch()
        guard let (server, base) = try await Self.startServer(in: dir) else { return }
        defer { server.terminate(); server.waitUntilExit() }

        // When the Spanish conversations (follow-ups such as "MAS" and menu numbers depend on the number's previous
        // message) are replayed by 4 numbers at once
        let results = dir.path("results.jsonl")
        let replay = Process()
        replay.executableURL = URL(fileURLWithPath: simulator)
        replay.arguments = ["replay", Self.scenario, "--target", base.absoluteString, "--channel", "kannel",
                            "--concurrency", "4", "--results", results]
        replay.standardOutput = FileHandle.nullDevice
        replay.standardError = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            replay.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try replay.run() } catch { continuation.resume(throwing: error) }
        }

        // Then every expectation held (exit 0), and every message has its result, in file order
        #expect(status == 0)
        let sent = TrafficReader(path: Self.scenario).compactMap { item -> Int? in
            if case .message(let message) = item { return message.line } else { return nil }
        }
        let lines = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["line"] as? Int
        }
        #expect(lines == sent.map { Optional($0) })
    }
}
