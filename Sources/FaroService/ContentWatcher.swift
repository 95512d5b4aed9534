import Content
import Conversation
import Foundation
import Logging

/// Reloads `messages/` when staff change it: a good edit is swapped in atomically; a broken one is reported with
/// file and line and the last good content keeps serving.
public struct ContentWatcher: Sendable {
    let directory: String
    let budget: Int
    let service: FaroService
    let logger: Logger

    public init(directory: String, budget: Int = 3, service: FaroService, logger: Logger) {
        self.directory = directory; self.budget = budget; self.service = service; self.logger = logger
    }

    /// Size and modification time of every YAML file: cheap to read every few seconds.
    public static func fingerprint(_ directory: String) -> String {
        let root = URL(fileURLWithPath: directory)
        var parts: [String] = []
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey]) {
            for case let url as URL in walker where url.pathExtension == "yaml" || url.pathExtension == "yml" {
                let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey])
                parts.append("\(url.path):\(values?.fileSize ?? 0):\(values?.contentModificationDate?.timeIntervalSince1970 ?? 0)")
            }
        }
        return parts.sorted().joined(separator: "\n")
    }

    /// Checks once; returns true when new content was loaded.
    @discardableResult
    public func reloadIfChanged(since fingerprint: inout String) -> Bool {
        let now = Self.fingerprint(directory)
        guard now != fingerprint else { return false }
        fingerprint = now
        let (engine, issues) = Engine.load(directory: directory, budget: budget)
        guard let engine else {
            for issue in issues where issue.severity == .error {
                logger.error("content edit rejected; still serving the last good version",
                             metadata: ["file": "\(issue.origin.file)", "line": "\(issue.origin.line)", "problem": "\(issue.message)"])
            }
            return false
        }
        guard engine.catalog.version != service.engine.catalog.version else { return false }
        service.replace(engine: engine)
        return true
    }

    /// Polls until the task is cancelled.
    public func run(every interval: Duration = .seconds(2)) async {
        var fingerprint = Self.fingerprint(directory)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            reloadIfChanged(since: &fingerprint)
        }
    }
}
