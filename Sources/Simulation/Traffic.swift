import Foundation

/// One inbound message of a traffic file (DESIGN.md: `at`, `from`, `channel`, `text`; optional `session`,
/// `expect`, `expect_intent`, and also `expect_lang`, `expect_topic`, `expect_place`, `expect_route`).
public struct TrafficLine: Sendable {
    public var line: Int
    public var at: Double
    public var from: String
    public var channel: String
    public var text: String
    public var session: String?
    public var expectations: [String: String]

    public init(line: Int, at: Double, from: String, channel: String, text: String, session: String?,
                expectations: [String: String]) {
        self.line = line; self.at = at; self.from = from; self.channel = channel; self.text = text
        self.session = session; self.expectations = expectations
    }
}

/// A problem in a traffic file: reported with its line and skipped, never fatal.
public struct TrafficProblem: Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// Reads traffic files as a stream (CSV with header per RFC 4180, or JSON Lines), so a million-line file
/// takes no more memory than a short one.
public struct TrafficReader: Sequence {
    public let path: String
    public init(path: String) { self.path = path }

    public var isJSONLines: Bool { path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") || path.hasSuffix(".json") }

    public enum Item: Sendable { case message(TrafficLine), problem(TrafficProblem) }

    public func makeIterator() -> AnyIterator<Item> {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            var done = false
            return AnyIterator {
                if done { return nil }
                done = true
                return .problem(TrafficProblem(file: path, line: 0, message: "cannot open the file"))
            }
        }
        var records = RecordReader(handle: handle, csv: !isJSONLines)
        var header: [String]?
        var columns: [String: Int] = [:]
        var expectColumns: [String] = []
        let file = (path as NSString).lastPathComponent
        let json = isJSONLines
        return AnyIterator {
            while let (line, fields) = records.next() {
                if json {
                    guard let raw = fields.first, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                    return Self.parseJSON(raw, line: line, file: file)
                }
                if fields.count == 1, fields[0].isEmpty { continue }          // blank line
                guard let names = header else {
                    header = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                    for (i, name) in header!.enumerated() { columns[name] = i }
                    expectColumns = header!.filter { $0.hasPrefix("expect") }
                    let missing = ["from", "text"].filter { !header!.contains($0) }
                    if !missing.isEmpty {
                        return .problem(TrafficProblem(file: file, line: line, message: "the header has no column \(missing.joined(separator: ", "))"))
                    }
                    continue
                }
                if fields.count != names.count {
                    return .problem(TrafficProblem(file: file, line: line,
                        message: "expected \(names.count) fields, found \(fields.count); row skipped"))
                }
                return Self.make(line: line, file: file, names: expectColumns) { column in
                    columns[column].map { fields[$0] }
                }
            }
            return nil
        }
    }

    static func parseJSON(_ raw: String, line: Int, file: String) -> Item {
        guard let object = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any] else {
            return .problem(TrafficProblem(file: file, line: line, message: "not a JSON object; line skipped"))
        }
        var values: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let s as String: values[key] = s
            case let n as NSNumber: values[key] = n.stringValue
            default: continue
            }
        }
        return make(line: line, file: file, names: Array(values.keys)) { values[$0] }
    }

    /// A message from a row: `value` gives a column's text; `names` are the columns present (for `expect…`).
    static func make(line: Int, file: String, names: [String], value: (String) -> String?) -> Item {
        guard let from = value("from"), !from.isEmpty else {
            return .problem(TrafficProblem(file: file, line: line, message: "missing 'from'; row skipped"))
        }
        guard let text = value("text") else {
            return .problem(TrafficProblem(file: file, line: line, message: "missing 'text'; row skipped"))
        }
        var at = 0.0
        if let raw = value("at"), !raw.isEmpty {
            if let seconds = Double(raw) { at = seconds }
            else if let date = ISO8601DateFormatter().date(from: raw) { at = date.timeIntervalSince1970 }
            else { return .problem(TrafficProblem(file: file, line: line, message: "'at' is neither seconds nor ISO-8601: \(raw); row skipped")) }
        }
        let channel = value("channel").flatMap { $0.isEmpty ? nil : $0 } ?? "sms"
        guard channel == "sms" || channel == "ussd" else {
            return .problem(TrafficProblem(file: file, line: line, message: "channel must be sms or ussd, not '\(channel)'; row skipped"))
        }
        var expectations: [String: String] = [:]
        for key in names where key.hasPrefix("expect") {
            if let expected = value(key), !expected.isEmpty { expectations[key] = expected }
        }
        return .message(TrafficLine(line: line, at: at, from: from, channel: channel, text: text,
                                    session: value("session").flatMap { $0.isEmpty ? nil : $0 },
                                    expectations: expectations))
    }
}

/// Rows of any CSV file with a header, as column → value (for fixtures and tools).
public func readCSV(path: String) -> [(line: Int, values: [String: String])] {
    guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
    var reader = RecordReader(handle: handle, csv: true)
    guard let (_, header) = reader.next() else { return [] }
    var rows: [(Int, [String: String])] = []
    while let (line, fields) = reader.next() {
        if fields == [""] { continue }
        var values: [String: String] = [:]
        for (name, value) in zip(header, fields) { values[name] = value }
        rows.append((line, values))
    }
    return rows
}

/// Splits a byte stream into records: RFC 4180 CSV fields (quotes, doubled quotes, line breaks inside quotes,
/// CRLF or LF), or whole lines for JSON Lines. Reads 64 KiB at a time.
struct RecordReader {
    let handle: FileHandle
    let csv: Bool
    var buffer: [UInt8] = []
    var position = 0
    var eof = false
    var line = 1

    init(handle: FileHandle, csv: Bool) { self.handle = handle; self.csv = csv }

    /// Fast path: a whole line already in the buffer, without quotes, split on commas in place.
    mutating func nextSimpleLine() -> (Int, [String])? {
        let csv = self.csv
        let found: (next: Int, fields: [String])? = buffer.withUnsafeBufferPointer { buf in
            var i = position
            while i < buf.count, buf[i] != 0x0A {
                if buf[i] == 0x22 { return nil }
                i += 1
            }
            guard i < buf.count else { return nil }
            var end = i
            if end > position, buf[end - 1] == 0x0D { end -= 1 }
            var fields: [String] = []
            var start = position
            if csv {
                for j in position..<end where buf[j] == 0x2C {
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<j]), as: UTF8.self))
                    start = j + 1
                }
            }
            fields.append(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<end]), as: UTF8.self))
            return (i + 1, fields)
        }
        guard let found else { return nil }
        position = found.next
        defer { line += 1 }
        return (line, found.fields)
    }

    mutating func byte() -> UInt8? {
        if position >= buffer.count {
            if eof { return nil }
            let chunk = handle.readData(ofLength: 1 << 16)
            if chunk.isEmpty { eof = true; try? handle.close(); return nil }
            buffer = chunk.withUnsafeBytes { Array($0.bindMemory(to: UInt8.self)) }; position = 0
        }
        defer { position += 1 }
        return buffer[position]
    }
    mutating func peek() -> UInt8? {
        if position >= buffer.count, let b = byte() { position -= 1; return b }
        return position < buffer.count ? buffer[position] : nil
    }

    /// The next record and the line it starts on.
    mutating func next() -> (Int, [String])? {
        if let simple = nextSimpleLine() { return simple }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false, sawAny = false
        while let b = byte() {
            sawAny = true
            if quoted {
                if b == 0x22 {
                    if peek() == 0x22 { _ = byte(); field.append(0x22) } else { quoted = false }
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
                continue
            }
            switch b {
            case 0x22 where csv && field.isEmpty: quoted = true
            case 0x2C where csv: fields.append(String(decoding: field, as: UTF8.self)); field = []
            case 0x0D where peek() == 0x0A: continue
            case 0x0A:
                line += 1
                fields.append(String(decoding: field, as: UTF8.self))
                return (startLine, fields)
            default: field.append(b)
            }
        }
        guard sawAny else { return nil }
        fields.append(String(decoding: field, as: UTF8.self))
        return (startLine, fields)
    }
}
