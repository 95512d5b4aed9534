import CPCRE2

/// A compiled, JIT-compiled PCRE2 pattern over UTF-8 text. Immutable after init, so safe to share across threads;
/// every match call uses its own match data.
public final class PCRE2Pattern: @unchecked Sendable {
    public struct CompileError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "\(message) (at character \(offset))" }
    }

    /// Match limit: bounds backtracking on hostile input (PCRE2_ERROR_MATCHLIMIT instead of a hang).
    public static let matchLimit: UInt32 = 100_000
    private let code: OpaquePointer
    private let context: OpaquePointer?
    public let isJIT: Bool

    public init(_ pattern: String, caseless: Bool = false) throws(CompileError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        var options = UInt32(PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK)
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        let compiled = pattern.utf8CString.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: buffer.count) {
                pcre2_compile_8($0, buffer.count - 1, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw CompileError(message: Self.message(for: errorCode), offset: errorOffset)
        }
        code = compiled
        isJIT = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
        context = pcre2_match_context_create_8(nil)
        if let context {
            pcre2_set_match_limit_8(context, Self.matchLimit)
            pcre2_set_depth_limit_8(context, 1_000)
        }
    }

    deinit {
        pcre2_code_free_8(code)
        if let context { pcre2_match_context_free_8(context) }
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return count > 0 ? String(decoding: buffer[..<Int(count)], as: UTF8.self) : "PCRE2 error \(code)"
    }

    /// A match: byte range and the numeric `(*MARK:n)` of the alternative that matched, if any.
    public struct Match: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var mark: Int?
    }

    /// All non-overlapping matches in `text` (which must be valid UTF-8, as Swift strings are).
    public func matches(in text: String) -> [Match] {
        var text = text
        return text.withUTF8 { bytes in matches(in: bytes) }
    }

    public func matches(in bytes: UnsafeBufferPointer<UInt8>) -> [Match] {
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { return [] }
        defer { pcre2_match_data_free_8(data) }
        var found: [Match] = []
        var offset = 0
        let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        while offset <= bytes.count {
            let rc = pcre2_match_8(code, base, bytes.count, offset, 0, data, context)
            guard rc > 0, let ovector = pcre2_get_ovector_pointer_8(data) else { break }
            let start = ovector[0], end = ovector[1]
            found.append(Match(start: start, end: end, mark: Self.mark(pcre2_get_mark_8(data))))
            offset = end > start ? end : end + 1
        }
        return found
    }

    /// The match that starts at `offset`, for a pattern anchored with `\G` (the JIT keeps such a pattern anchored;
    /// PCRE2_ANCHORED at match time would leave the JIT). `data` is any match data, reused across calls.
    public func match(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int, data: OpaquePointer) -> Match? {
        let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        guard pcre2_match_8(code, base, bytes.count, offset, 0, data, context) > 0,
              let ovector = pcre2_get_ovector_pointer_8(data) else { return nil }
        return Match(start: ovector[0], end: ovector[1], mark: Self.mark(pcre2_get_mark_8(data)))
    }

    /// Match data for `match(in:at:data:)`: the patterns here capture nothing, so one pair of offsets is enough.
    public static func reusableMatchData() -> OpaquePointer? { pcre2_match_data_create_8(1, nil) }

    /// First match only (used by the bare-match benchmark baseline).
    public func firstMatch(in bytes: UnsafeBufferPointer<UInt8>, data: OpaquePointer) -> Bool {
        let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        return pcre2_match_8(code, base, bytes.count, 0, 0, data, context) > 0
    }
    public func makeMatchData() -> OpaquePointer? { pcre2_match_data_create_from_pattern_8(code, nil) }
    public static func freeMatchData(_ data: OpaquePointer) { pcre2_match_data_free_8(data) }

    private static func mark(_ pointer: UnsafePointer<UInt8>?) -> Int? {
        guard var p = pointer else { return nil }
        var value = 0
        while p.pointee >= 0x30 && p.pointee <= 0x39 { value = value * 10 + Int(p.pointee - 0x30); p += 1 }
        return value
    }
}
