import Conversation
import FaroService
import Foundation
import Store
import Synchronization

/// `simulator replay` with its memory: each exchange logged to SQLite under a run id, results written only once
/// their exchanges are committed (so a crash never loses a reply that was emitted), pacing, progress and Ctrl-C.
public final class ReplayRunner {
    public struct Options: Sendable {
        public var speed: Double?          // nil: as fast as possible; N: N times real time
        public var batch = 10_000
        public var progress = true
        public init(speed: Double? = nil, batch: Int = 10_000, progress: Bool = true) {
            self.speed = speed; self.batch = batch; self.progress = progress
        }
    }

    public let replay: Replay
    let store: Store
    let options: Options
    let output: FileHandle?
    public private(set) var runID: Int64 = 0
    public private(set) var problems: [TrafficProblem] = []
    private var pending: [Exchange] = []
    private var pendingEffects: [PendingEffect] = []
    private lazy var writer = BatchWriter(store: store, output: output)
    private var pendingResults = ""
    private let interrupted: Interruption
    /// Called after each message with the number processed so far (benchmarks sample memory with it).
    public var onProgress: ((Int) -> Void)?

    public init(replay: Replay, store: Store, results: FileHandle?, options: Options, interrupted: Interruption = Interruption()) {
        self.replay = replay; self.store = store; self.output = results; self.options = options
        self.interrupted = interrupted
    }

    /// Runs the files; returns false when interrupted.
    public func run(files: [String], onFailure: (String) -> Void) throws -> Bool {
        runID = try store.beginRun(source: files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "), at: Date())
        let total = files.reduce(0) { $0 + Self.lineCount($1) }
        var progress = Progress(total: total, enabled: options.progress)
        let wallStart = Date()
        var firstAt: Double?
        var completed = true
        outer: for file in files {
            for item in TrafficReader(path: file) {
                if interrupted.requested { completed = false; break outer }
                switch item {
                case .problem(let problem):
                    problems.append(problem)
                    onFailure("\(problem)")
                case .message(let message):
                    if let speed = options.speed {
                        let start = firstAt ?? message.at
                        firstAt = start
                        let due = (message.at - start) / speed - Date().timeIntervalSince(wallStart)
                        if due > 0.002 { try flush(wait: true); Thread.sleep(forTimeInterval: due) }
                    }
                    let result = replay.run(message)
                    try perform(result, message)
                    if result.ok == false {
                        onFailure("\(file):\(message.line): \(result.failures.joined(separator: "; ")) — text: \(message.text)")
                    }
                    pending.append(Exchange(result.decision, from: message.from, text: message.text, channel: message.channel,
                                            session: message.session, at: Date(timeIntervalSince1970: replay.time(of: message)),
                                            contentVersion: replay.engine.catalog.version,
                                            latencyMicros: result.latencyMicros, runID: runID))
                    if output != nil { pendingResults += result.json + "\n" }
                    if pending.count >= options.batch || options.speed != nil { try flush() }
                    progress.advance(replay.summary.messages)
                    onProgress?(replay.summary.messages)
                }
            }
        }
        try flush(wait: true)
        try store.saveSubscribers(replay.allStates.map { ($0.key, SubscriberRecord($0.value)) })
        try store.finishRun(runID, messages: replay.summary.messages, at: Date())
        progress.finish(replay.summary.messages)
        return completed
    }

    /// Hands the pending exchanges to the writer: it commits them, then emits their results, on the other core
    /// while this one answers the next batch. `wait` returns only once everything handed over is committed.
    func flush(wait: Bool = false) throws {
        if !pending.isEmpty {
            try writer.submit(pending, effects: pendingEffects, results: pendingResults)
            pendingEffects = []
            pending = []
            pending.reserveCapacity(options.batch)
            pendingResults = ""
        }
        if wait { try writer.drain() }
    }

    /// Effects are done by the writer with their batch (escalations, subscriptions), not on this thread.
    func perform(_ result: ReplayResult, _ message: TrafficLine) throws {
        for effect in result.decision.effects {
            pendingEffects.append(PendingEffect(effect: effect, from: message.from,
                                                at: Date(timeIntervalSince1970: replay.time(of: message))))
        }
    }

    static func lineCount(_ path: String) -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? handle.close() }
        var count = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            count += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        return max(0, count - 1)
    }
}

/// A progress bar on a terminal; plain lines every 10% when not a terminal (CI logs).
struct Progress {
    let total: Int
    let enabled: Bool
    let tty = isatty(2) != 0
    let start = Date()
    var lastShown = Date.distantPast
    var lastDecile = 0

    init(total: Int, enabled: Bool) { self.total = total; self.enabled = enabled }

    mutating func advance(_ done: Int) {
        guard enabled, done % 1_000 == 0 else { return }
        let now = Date()
        let rate = Double(done) / max(0.001, now.timeIntervalSince(start))
        let share = total > 0 ? min(1, Double(done) / Double(total)) : 0
        if tty {
            guard now.timeIntervalSince(lastShown) > 0.1 else { return }
            lastShown = now
            let width = 30, filled = Int(share * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data(String(format: "\r[%@] %3.0f%% %d/%d  %.0f msg/s", bar, share * 100, done, total, rate).utf8))
        } else if Int(share * 10) > lastDecile {
            lastDecile = Int(share * 10)
            FileHandle.standardError.write(Data(String(format: "progress: %d%% (%d messages, %.0f msg/s)\n", lastDecile * 10, done, rate).utf8))
        }
    }

    func finish(_ done: Int) {
        guard enabled else { return }
        let seconds = Date().timeIntervalSince(start)
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        FileHandle.standardError.write(Data(String(format: "%d messages in %.2f s (%.0f msg/s)\n", done, seconds, Double(done) / max(0.001, seconds)).utf8))
    }
}

/// Set from a signal handler (Ctrl-C); the run stops at the next message, flushes and reports.
public final class Interruption: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public var requested: Bool { flag.load(ordering: .relaxed) }
    public func request() { flag.store(true, ordering: .relaxed) }
}

/// One batch at a time committed on a serial queue; results are written only after their batch is committed, in
/// order. At most one batch is in flight, so memory stays bounded.
final class BatchWriter: @unchecked Sendable {
    private let store: Store
    private let output: FileHandle?
    private let queue = DispatchQueue(label: "faro.replay.writer")
    private let slot = DispatchSemaphore(value: 1)
    private let lock = NSLock()
    private var failure: (any Error)?

    init(store: Store, output: FileHandle?) { self.store = store; self.output = output }

    func submit(_ exchanges: [Exchange], effects: [PendingEffect], results: String) throws {
        slot.wait()
        if let error = lock.withLock({ failure }) { slot.signal(); throw error }
        queue.async { [self] in
            do {
                try store.recordBatch(exchanges)
                for e in effects {
                    switch e.effect {
                    case .escalate(let place, let language):
                        try store.escalate(phone: e.from, intent: "emergency", place: place, language: language, at: e.at)
                    case .subscribe(let route): try store.subscribe(route: route, phone: e.from, at: e.at)
                    case .unsubscribeAll: try store.unsubscribeAll(phone: e.from)
                    }
                }
                if let output, !results.isEmpty { output.write(Data(results.utf8)) }
            } catch {
                lock.withLock { failure = failure ?? error }
            }
            slot.signal()
        }
    }

    func drain() throws {
        slot.wait()
        slot.signal()
        if let error = lock.withLock({ failure }) { throw error }
    }
}

/// A conversation effect waiting for its batch.
struct PendingEffect: Sendable {
    var effect: Effect
    var from: String
    var at: Date
}
