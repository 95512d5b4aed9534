import Channels
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import Synchronization

/// `HTTPField` without importing HTTPTypes directly.
typealias TestHeaderField = HTTPFields.Element

/// A request file from `Recorded/`: the exact bytes a provider sent.
struct RecordedRequest: Sendable, CustomStringConvertible {
    let name: String
    let method: String
    let target: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Recorded")

    init(_ name: String) {
        self.name = name
        let data = (try? Data(contentsOf: Self.folder.appendingPathComponent(name))).map { [UInt8]($0) } ?? []
        precondition(!data.isEmpty, "recorded request \(name) is missing")
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var split = data.count
        for i in 0...(data.count - separator.count) where Array(data[i..<(i + separator.count)]) == separator {
            split = i
            break
        }
        let head = String(decoding: data[..<split], as: UTF8.self)
        body = split + 4 <= data.count ? Array(data[(split + 4)...]) : []
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        method = String(requestLine[0])
        target = String(requestLine[1])
        headers = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    var description: String { name }

    /// As the adapters see it.
    var channelRequest: ChannelRequest {
        ChannelRequest(method: method, uri: target, headers: headers, body: body)
    }

    /// Sends it to a running test application.
    func send(_ client: some TestClientProtocol) async throws -> TestResponse {
        var fields = HTTPFields()
        for h in headers {
            let lower = h.name.lowercased()
            if lower == "host" || lower == "content-length" || lower == "connection" { continue }
            if let name = TestHeaderField.Name(h.name) { fields.append(TestHeaderField(name: name, value: h.value)) }
        }
        return try await client.execute(uri: target, method: HTTPRequest.Method(rawValue: method)!, headers: fields,
                                        body: body.isEmpty ? nil : ByteBuffer(bytes: body))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var bytes: [UInt8] { Array(body.readableBytesView) }
    func header(_ name: String) -> String? { headers[TestHeaderField.Name(name)!] }
}

extension TestClientProtocol {
    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }

    func post(_ uri: String, contentType: String, body: [UInt8], headers extra: [(String, String)] = []) async throws -> TestResponse {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (n, v) in extra { fields.append(TestHeaderField(name: TestHeaderField.Name(n)!, value: v)) }
        return try await execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(bytes: body))
    }

    func post(_ uri: String, contentType: String, body: String, headers extra: [(String, String)] = []) async throws -> TestResponse {
        try await post(uri, contentType: contentType, body: Array(body.utf8), headers: extra)
    }

    /// A Kannel get-url request for a text.
    func kannel(_ text: String, from: String = "+5215550001") async throws -> TestResponse {
        try await get("/channels/kannel?from=\(formEncode(from))&to=5555&text=\(formEncode(text))&id=1&ts=1")
    }
}

/// Form encoding as Kannel does it (space as `+`).
func formEncode(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
    allowed.insert(charactersIn: "-._~ ")
    return (s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s).replacingOccurrences(of: " ", with: "+")
}

/// Log records kept in memory, to check what the gateway writes.
final class LogStore: Sendable {
    let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var logger: Logger {
        var logger = Logger(label: "faro.test") { _ in CapturingLogHandler(store: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let store: LogStore
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let line = "\(event.level) \(event.message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
        store.lines.withLock { $0.append(line) }
    }
}

/// Test settings: loopback, a known Twilio token and public URL, no rate limit unless a test sets one.
func testSettings(_ change: (inout ServerSettings) -> Void = { _ in }) -> ServerSettings {
    var s = ServerSettings()
    s.host = "127.0.0.1"
    s.port = 0
    s.twilioAuthToken = TwilioFixtures.token
    s.publicBaseURL = TwilioFixtures.publicBaseURL
    s.rateLimit = nil
    change(&s)
    return s
}

enum TwilioFixtures {
    static let token = "0123456789abcdef0123456789abcdef"
    static let publicBaseURL = "https://faro.example.org"
}

/// What Kannel does to a UCS-2 reply body: cut the UTF-16 units every 67 (seen on Kannel 1.4.5) when the text
/// is longer than 70 units.
func kannelUCS2Cut(_ text: String) -> [[UInt16]] {
    let units = Array(text.utf16)
    if units.count <= 70 { return [units] }
    return stride(from: 0, to: units.count, by: 67).map { Array(units[$0..<min($0 + 67, units.count)]) }
}

/// True when the units decode as UTF-16 without a lone surrogate.
func decodesCleanly(_ units: [UInt16]) -> Bool {
    var it = units.makeIterator()
    var codec = UTF16()
    while true {
        switch codec.decode(&it) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}

/// A logger that writes nothing (tests that check logs use `LogStore`).
let quietLogger = Logger(label: "faro.test.quiet") { _ in SwiftLogNoOpLogHandler() }
