import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The secret that turns phone numbers into pseudonyms. Keep it: with another key the same person gets another
/// pseudonym, and the store refuses to open a database written with a different key.
public struct PseudonymKey: Sendable {
    /// The environment variable read by `resolve(databasePath:environment:)`.
    public static let environmentVariable = "FARO_PSEUDONYM_KEY"
    /// The key file's name, next to the database.
    public static let keyFileName = "faro.key"
    /// Shortest accepted key.
    public static let minimumByteCount = 16

    let symmetricKey: SymmetricKey

    /// A key from raw bytes (at least 16).
    public init(bytes: some Sequence<UInt8>) throws {
        let bytes = Array(bytes)
        guard bytes.count >= Self.minimumByteCount else {
            throw StoreError.invalidKey(reason: "\(bytes.count) bytes, at least \(Self.minimumByteCount) needed")
        }
        symmetricKey = SymmetricKey(data: bytes)
    }

    /// A key written as text, as in `FARO_PSEUDONYM_KEY`: hexadecimal (an even number of at least 32 hex digits)
    /// is decoded; any other string is used as its UTF-8 bytes, which must be at least 16.
    public init(string: String) throws {
        let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
        if let decoded = Self.decodeHex(trimmed), decoded.count >= Self.minimumByteCount {
            try self.init(bytes: decoded)
        } else {
            try self.init(bytes: Array(trimmed.utf8))
        }
    }

    /// 32 fresh random bytes.
    public static func random() -> PseudonymKey {
        PseudonymKey(symmetricKey: SymmetricKey(size: .bits256))
    }

    private init(symmetricKey: SymmetricKey) { self.symmetricKey = symmetricKey }

    /// The default key file for a database: `faro.key` in the database's folder.
    public static func defaultKeyFilePath(forDatabaseAt databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent(keyFileName).path
    }

    /// The key from `FARO_PSEUDONYM_KEY` when set (an invalid value is an error, not a reason to fall back),
    /// else from the key file next to the database, created on first run.
    public static func resolve(
        databasePath: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PseudonymKey {
        try resolve(databasePath: databasePath, environment: environment, log: .silent)
    }

    static func resolve(databasePath: String, environment: [String: String], log: StoreLog) throws -> PseudonymKey {
        if let value = environment[environmentVariable], !value.isEmpty {
            return try PseudonymKey(string: value)
        }
        return try loadOrCreate(keyFile: defaultKeyFilePath(forDatabaseAt: databasePath), log: log)
    }

    /// Reads the key file, or creates it with 32 random bytes (as hex text) and mode 0600 when it does not exist.
    /// A key file that group or others may read is used, with a warning.
    public static func loadOrCreate(keyFile path: String) throws -> PseudonymKey {
        try loadOrCreate(keyFile: path, log: .silent)
    }

    static func loadOrCreate(keyFile path: String, log: StoreLog) throws -> PseudonymKey {
        if let existing = try read(keyFile: path, log: log) { return existing }
        let key = random()
        let text = key.symmetricKey.withUnsafeBytes { hex(Array($0)) } + "\n"
        // O_EXCL: if another process creates the file first, we read theirs instead of overwriting it.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            if code == EEXIST, let existing = try read(keyFile: path, log: log) { return existing }
            throw StoreError.keyFile(path: path, reason: "cannot create it: \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            let code = errno
            unlink(path)
            throw StoreError.keyFile(path: path, reason: "cannot write it: \(String(cString: strerror(code)))")
        }
        log.log(.notice, "created a new pseudonym key file", ["path": path])
        return key
    }

    private static func read(keyFile path: String, log: StoreLog) throws -> PseudonymKey? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw StoreError.keyFile(path: path, reason: String(cString: strerror(code)))
        }
        if info.st_mode & 0o077 != 0 {
            log.log(
                .warning, "pseudonym key file can be read by group or others; run chmod 600 on it",
                ["path": path, "mode": String(info.st_mode & 0o777, radix: 8)])
        }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw StoreError.keyFile(path: path, reason: "cannot read it")
        }
        if let text = String(data: contents, encoding: .utf8),
           let decoded = decodeHex(text.trimmingCharacters(in: .whitespacesAndNewlines)),
           decoded.count >= minimumByteCount {
            return try PseudonymKey(bytes: decoded)
        }
        do {
            return try PseudonymKey(bytes: contents)
        } catch {
            throw StoreError.keyFile(path: path, reason: "holds \(contents.count) bytes, at least 16 needed")
        }
    }

    static func decodeHex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Turns a phone number into a stable pseudonym: HMAC-SHA256(key, normalized number), hex, first 32 characters
/// (128 bits). Without the key a pseudonym cannot be linked back to a number, even by trying every number.
public struct Pseudonymizer: Sendable {
    /// Characters of a pseudonym.
    public static let length = 32

    /// The HMAC state after absorbing the key; copied per number so the key schedule is computed once.
    private let keyed: HMAC<SHA256>

    public init(key: PseudonymKey) {
        keyed = HMAC<SHA256>(key: key.symmetricKey)
    }

    /// The pseudonym of `phone`; numbers that differ only in formatting get the same pseudonym.
    public func pseudonym(for phone: String) -> String {
        var mac = keyed
        if let ascii = Self.normalizedASCII(phone) {
            ascii.withUnsafeBytes { mac.update(data: $0) }
        } else {
            var normalized = Self.normalize(phone)
            normalized.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        }
        return mac.finalize().withUnsafeBytes { hex(Array($0.prefix(Self.length / 2))) }
    }

    /// A value that identifies the key without revealing it, kept in the database so that a database is never
    /// written with two keys.
    var keyCheck: String {
        var mac = keyed
        mac.update(data: Array("faro pseudonym key check v1".utf8))
        return mac.finalize().withUnsafeBytes { hex(Array($0.prefix(Self.length / 2))) }
    }

    /// Removes formatting from a phone number: white space, dashes, dots, slashes and parentheses. A leading `+`
    /// is kept; a `+` anywhere else is dropped. Anything else (digits, or letters of a sender name) is kept.
    public static func normalize(_ phone: String) -> String {
        if let ascii = normalizedASCII(phone) { return String(decoding: ascii, as: UTF8.self) }
        var result = String.UnicodeScalarView()
        for scalar in phone.unicodeScalars {
            switch scalar {
            case "-", "(", ")", ".", "/", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2212}":
                continue
            case "+":
                if result.isEmpty { result.append(scalar) }
            default:
                if scalar.properties.isWhitespace || scalar.properties.generalCategory == .format { continue }
                result.append(scalar)
            }
        }
        return String(result)
    }
}

extension Pseudonymizer {
    /// The fast path of `normalize` for the usual all-ASCII number (the same rules); `nil` for anything else.
    static func normalizedASCII(_ phone: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(phone.utf8.count)
        for byte in phone.utf8 {
            switch byte {
            case 0x80...: return nil
            case UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."), UInt8(ascii: "/"),
                 UInt8(ascii: " "), 0x09...0x0D:
                continue
            case UInt8(ascii: "+"):
                if result.isEmpty { result.append(byte) }
            default:
                result.append(byte)
            }
        }
        return result
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

func hex(_ bytes: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
