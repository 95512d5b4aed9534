import Foundation

/// Everything the store can fail with.
///
/// Messages name the file, the versions and the operation, never a bound value: no phone number, pseudonym or
/// message text can reach a log line through an error (as GRDB keeps statement arguments out of its errors).
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The file exists but is not a SQLite database.
    case notADatabase(path: String)
    /// A SQLite database that Faro did not create (its `application_id` is not Faro's, or it has tables but no id).
    case foreignDatabase(path: String, applicationID: Int32)
    /// A Faro database written by a newer build, with a schema this build does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// The database was written with another pseudonym key: its pseudonyms would not match this key's.
    case keyMismatch(path: String)
    /// The file could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// A migration step failed; the database was left at its previous version.
    case migrationFailed(path: String, version: Int, reason: String)
    /// SQLite refused an operation. `message` is SQLite's, which names tables and constraints, not values.
    case sqlite(operation: String, code: Int32, message: String)
    /// `FARO_PSEUDONYM_KEY` or the bytes given are not a usable key.
    case invalidKey(reason: String)
    /// The key file could not be read or created.
    case keyFile(path: String, reason: String)
    /// The store was closed.
    case closed
    /// A commit did not finish by its caller's deadline (the row stays queued, and is committed if the database frees within the busy timeout).
    case deadlinePassed

    public var description: String {
        switch self {
        case let .notADatabase(path):
            return "\(path) is not a SQLite database; refusing to use it as Faro's database."
        case let .foreignDatabase(path, applicationID):
            return "\(path) is a SQLite database that does not belong to Faro "
                + "(application_id \(applicationID), expected \(Store.applicationID)); refusing to change it."
        case let .newerSchema(path, found, supported):
            return "\(path) has Faro schema version \(found), newer than this build supports (\(supported)); "
                + "use a newer Faro or another database file."
        case let .keyMismatch(path):
            return "\(path) was written with a different pseudonym key; set FARO_PSEUDONYM_KEY or restore the "
                + "key file that was used with it (pseudonyms from another key would not match)."
        case let .cannotOpen(path, reason):
            return "cannot open the database \(path): \(reason)"
        case let .migrationFailed(path, version, reason):
            return "migrating \(path) to schema version \(version) failed, database left unchanged: \(reason)"
        case let .sqlite(operation, code, message):
            return "\(operation) failed: \(message) (SQLite code \(code))"
        case let .invalidKey(reason):
            return "invalid pseudonym key: \(reason)"
        case let .keyFile(path, reason):
            return "pseudonym key file \(path): \(reason)"
        case .closed:
            return "the store is closed"
        case .deadlinePassed:
            return "the exchange was not committed by the deadline; it stays queued"
        }
    }

    public var errorDescription: String? { description }
}
