// The store's log. Lines carry paths, counts, versions and error codes — never a phone number, a pseudonym or
// a message text.
//
// swift-log is used when the Store target can import it (declare `.product(name: "Logging", package:
// "swift-log")` in its dependencies); without it the store builds and stays silent, and the `logger:` overloads
// are absent.
import Foundation
#if canImport(Logging)
import Logging
#endif

struct StoreLog: Sendable {
    #if canImport(Logging)
    let logger: Logger?

    init(_ logger: Logger?) { self.logger = logger }
    #endif

    static var silent: StoreLog {
        #if canImport(Logging)
        StoreLog(nil)
        #else
        StoreLog()
        #endif
    }

    enum Level { case debug, info, notice, warning, error }

    func log(_ level: Level, _ message: @autoclosure () -> String, _ metadata: [String: String] = [:]) {
        #if canImport(Logging)
        guard let logger else { return }
        let swiftLogLevel: Logger.Level = switch level {
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        }
        logger.log(
            level: swiftLogLevel, Logger.Message(stringLiteral: message()),
            metadata: metadata.mapValues { Logger.MetadataValue.string($0) })
        #endif
    }
}

#if canImport(Logging)
extension Store {
    /// `open(path:key:settings:)`, reporting to `logger` (migrations, key file warnings, failed commits).
    public static func open(path: String, key: PseudonymKey, settings: Settings = Settings(), logger: Logger)
        throws -> Store
    {
        try open(path: path, key: key, settings: settings, log: StoreLog(logger))
    }
}

extension PseudonymKey {
    /// `resolve(databasePath:environment:)`, warning on `logger` about a key file others can read.
    public static func resolve(
        databasePath: String, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) throws -> PseudonymKey {
        try resolve(databasePath: databasePath, environment: environment, log: StoreLog(logger))
    }

    /// `loadOrCreate(keyFile:)`, warning on `logger` about a key file others can read.
    public static func loadOrCreate(keyFile path: String, logger: Logger) throws -> PseudonymKey {
        try loadOrCreate(keyFile: path, log: StoreLog(logger))
    }
}
#endif
