import Foundation

/// An HTTP request as a provider sent it, independent of any HTTP framework.
public struct ChannelRequest: Sendable {
    public var method: String
    /// Path and query exactly as on the request line, e.g. `/channels/kannel?from=%2B52…&text=hola`.
    public var uri: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, uri: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method.uppercased()
        self.uri = uri
        self.headers = headers
        self.body = body
    }

    /// First value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        for h in headers where h.name.caseInsensitiveCompare(name) == .orderedSame { return h.value }
        return nil
    }

    /// The part of `uri` before `?`.
    public var path: String {
        if let q = uri.firstIndex(of: "?") { return String(uri[..<q]) }
        return uri
    }

    /// The raw (still percent-encoded) query, without `?`; nil when there is none.
    public var rawQuery: Substring? {
        guard let q = uri.firstIndex(of: "?") else { return nil }
        return uri[uri.index(after: q)...]
    }

    /// The media type of `Content-Type` in lower case, without parameters (`text/plain`).
    public var mediaType: String? {
        guard let ct = header("Content-Type") else { return nil }
        let main = ct.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ct
        return main.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The `charset` parameter of `Content-Type` in lower case without quotes (`utf-8`).
    public var charset: String? {
        guard let ct = header("Content-Type") else { return nil }
        for param in ct.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else { continue }
            return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")).lowercased()
        }
        return nil
    }
}

/// An HTTP response for a provider, independent of any HTTP framework.
public struct ChannelResponse: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    public var status: Int
    public var headers: [Header]
    public var body: [UInt8]

    public init(status: Int, headers: [Header] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, text: String, headers: [Header] = []) {
        self.init(status: status, headers: [Header("Content-Type", contentType)] + headers, body: Array(text.utf8))
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body read as UTF-8 (for tests and logs of non-personal bodies).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    static func plain(_ status: Int, _ text: String) -> ChannelResponse {
        ChannelResponse(status: status, contentType: "text/plain; charset=utf-8", text: text)
    }
}

/// Why a provider request was refused. The description names the problem (a field, a header, a limit) and
/// never contains a phone number or a message text, so it is safe to log and to send back.
public struct ChannelError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A required field is absent (400).
        case missingField(String)
        /// A field's bytes are not valid UTF-8 in the declared charset (400).
        case invalidUTF8(field: String)
        /// A field is present but unusable (400); the string says why, without the value.
        case invalidField(String, why: String)
        /// The body cannot be parsed at all (400).
        case malformedBody(String)
        /// The body's media type is not one the provider sends (415).
        case unsupportedMediaType(String)
        /// The request is not signed (403).
        case missingSignature(header: String)
        /// The signature does not match the request (403).
        case badSignature(header: String)
        /// Signatures cannot be checked because a secret is not configured (403).
        case notConfigured(String)
        /// The method is not one the provider uses (405).
        case methodNotAllowed(String)
        /// The body is larger than the configured limit (413).
        case bodyTooLarge(limit: Int)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var status: Int {
        switch reason {
        case .missingField, .invalidUTF8, .invalidField, .malformedBody: 400
        case .unsupportedMediaType: 415
        case .missingSignature, .badSignature, .notConfigured: 403
        case .methodNotAllowed: 405
        case .bodyTooLarge: 413
        }
    }

    /// A short stable name for metrics labels.
    public var kind: String {
        switch reason {
        case .missingField: "missing_field"
        case .invalidUTF8: "invalid_utf8"
        case .invalidField: "invalid_field"
        case .malformedBody: "malformed_body"
        case .unsupportedMediaType: "unsupported_media_type"
        case .missingSignature: "missing_signature"
        case .badSignature: "bad_signature"
        case .notConfigured: "not_configured"
        case .methodNotAllowed: "method_not_allowed"
        case .bodyTooLarge: "body_too_large"
        }
    }

    public var description: String {
        switch reason {
        case .missingField(let f): "missing field '\(f)'"
        case .invalidUTF8(let f): "field '\(f)' is not valid UTF-8"
        case .invalidField(let f, let why): "field '\(f)' \(why)"
        case .malformedBody(let why): "malformed body: \(why)"
        case .unsupportedMediaType(let t): "unsupported media type '\(t)'"
        case .missingSignature(let h): "missing signature header '\(h)'"
        case .badSignature(let h): "signature in '\(h)' does not match the request"
        case .notConfigured(let what): "cannot verify the request: \(what) is not configured"
        case .methodNotAllowed(let m): "method \(m) not allowed"
        case .bodyTooLarge(let limit): "body larger than \(limit) bytes"
        }
    }
}

/// `application/x-www-form-urlencoded` and query-string decoding at the byte level, so invalid UTF-8 is
/// detected (and signatures computed over the exact bytes) instead of being silently replaced.
public struct FormFields: Sendable {
    /// Name and value bytes, percent- and `+`-decoded, in wire order.
    public var pairs: [(name: [UInt8], value: [UInt8])]

    public init(pairs: [(name: [UInt8], value: [UInt8])]) { self.pairs = pairs }

    public init<Bytes: Collection>(encoded: Bytes) where Bytes.Element == UInt8 {
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        for part in encoded.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((Self.percentDecode(part[..<eq]), Self.percentDecode(part[part.index(after: eq)...])))
            } else {
                pairs.append((Self.percentDecode(part), []))
            }
        }
        self.pairs = pairs
    }

    public init(query: Substring?) {
        guard let query else { self.init(pairs: []); return }
        self.init(encoded: Array(query.utf8))
    }

    /// The bytes of the first field with this exact name.
    public func bytes(_ name: String) -> [UInt8]? {
        let n = Array(name.utf8)
        return pairs.first { $0.name == n }?.value
    }

    /// The first field with this name as UTF-8 text; nil when absent; throws when the bytes are not UTF-8.
    public func string(_ name: String) throws(ChannelError) -> String? {
        guard let b = bytes(name) else { return nil }
        guard let s = String(validating: b, as: UTF8.self) else { throw ChannelError(.invalidUTF8(field: name)) }
        return s
    }

    /// The first field with this name, required.
    public func required(_ name: String) throws(ChannelError) -> String {
        guard let s = try string(name) else { throw ChannelError(.missingField(name)) }
        return s
    }

    /// Percent-decoding with `+` as space (form encoding). Malformed escapes are kept literally.
    public static func percentDecode<S: Collection>(_ s: S) -> [UInt8] where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i != s.endIndex {
            let c = s[i]
            if c == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if c == UInt8(ascii: "%"),
                      let h1 = s.index(i, offsetBy: 1, limitedBy: s.endIndex), h1 != s.endIndex,
                      let h2 = s.index(h1, offsetBy: 1, limitedBy: s.endIndex), h2 != s.endIndex,
                      let hi = hexValue(s[h1]), let lo = hexValue(s[h2]) {
                out.append(hi << 4 | lo)
                i = h2
            } else {
                out.append(c)
            }
            i = s.index(after: i)
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// Trimmed of spaces and newlines; nil when that leaves nothing. (Standard library only: Foundation's
    /// trimming goes through CFString and showed up in profiles.)
    var nonBlank: String? {
        // Fast path: first and last bytes are visible ASCII.
        if let f = utf8.first, let l = utf8.last, f > 0x20, f < 0x7F, l > 0x20, l < 0x7F { return self }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return nil }
        let last = lastIndex(where: { !$0.isWhitespace })!
        if first == startIndex && last == index(before: endIndex) { return self }
        return String(self[first...last])
    }
}

/// Compares secrets (signatures, tokens) in time that does not depend on where they differ.
public func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in x.indices { diff |= x[i] ^ y[i] }
    return diff == 0
}
