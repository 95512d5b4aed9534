/// A problem found in the content, reported to staff with file and line. Problems are values, never crashes.
public struct ContentIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var severity: Severity
    public var origin: Origin
    public var message: String

    public init(_ severity: Severity, _ origin: Origin, _ message: String) {
        self.severity = severity; self.origin = origin; self.message = message
    }
    public var description: String { "\(origin): \(severity.rawValue): \(message)" }
}
