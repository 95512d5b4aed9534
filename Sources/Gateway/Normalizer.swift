/// Turns what people type into plain lowercase words: accents folded, punctuation, emoji and control characters
/// as word breaks, fullwidth forms to ASCII, runs of 3+ identical letters collapsed ("ayudaaa" → "ayuda").
/// Keywords and place names go through the same function, so both sides always agree.
/// Written over Unicode scalars without Foundation: it runs on every message.
public enum Normalizer {
    /// Longest output kept: an SMS is at most 1,600 characters; anything longer is noise for understanding.
    public static let maxBytes = 640

    public static func normalize(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(min(text.utf8.count, maxBytes) + 8)
        var collapsing: UInt8 = 0
        func separator() {
            if let last = out.last, last != 0x20 { out.append(0x20) }
            collapsing = 0
        }
        func letter(_ byte: UInt8) {
            if byte == collapsing { return }
            let n = out.count
            if n >= 2, out[n - 1] == byte, out[n - 2] == byte, byte >= 0x61 {   // third in a row: keep one
                out.removeLast(); collapsing = byte; return
            }
            collapsing = 0
            out.append(byte)
        }
        for scalar in text.unicodeScalars {
            if out.count >= maxBytes { break }
            let v = scalar.value
            switch v {
            case 0x30...0x39: collapsing = 0; out.append(UInt8(v))
            case 0x41...0x5A: letter(UInt8(v + 0x20))
            case 0x61...0x7A: letter(UInt8(v))
            case 0x00...0x7F: separator()
            case 0xC0...0x17F:
                if let folded = latinFold[Int(v - 0xC0)] { for b in folded.utf8 { letter(b) } } else { separator() }
            case 0x300...0x36F, 0x200B...0x200D, 0xFE0F, 0xFE0E: continue   // combining accents, zero-width, variation selectors
            case 0xFF10...0xFF19: collapsing = 0; out.append(UInt8(v - 0xFF10 + 0x30))
            case 0xFF21...0xFF3A: letter(UInt8(v - 0xFF21 + 0x61))
            case 0xFF41...0xFF5A: letter(UInt8(v - 0xFF41 + 0x61))
            case 0x1F198: separator(); out.append(contentsOf: "sos ".utf8)      // 🆘
            case 0x1F44D, 0x1F64F: separator(); out.append(contentsOf: "ok ".utf8)   // 👍 🙏 (alone: thanks)
            case 0x1F44B: separator(); out.append(contentsOf: "menu ".utf8)            // 👋 (a greeting)
            default:
                if scalar.properties.isAlphabetic {
                    collapsing = 0
                    out.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                } else { separator() }
            }
        }
        while out.last == 0x20 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// U+00C0…U+017F folded to ASCII; nil for signs that are not letters (×, ÷).
    static let latinFold: [String?] = {
        let table = """
        a a a a a a ae c e e e e i i i i d n o o o o o - o u u u u y th ss \
        a a a a a a ae c e e e e i i i i d n o o o o o - o u u u u y th y \
        a a a a a a c c c c c c c c d d d d e e e e e e e e e e g g g g g g g g h h h h \
        i i i i i i i i i i ij ij j j k k k l l l l l l l l l l n n n n n n n n n \
        o o o o o o oe oe r r r r r r s s s s s s s s t t t t t t u u u u u u u u u u u u \
        w w y y y z z z z z z s
        """
        return table.split(separator: " ").map { $0 == "-" ? nil : String($0) }
    }()

    /// Words of a normalized text.
    public static func words(_ normalized: String) -> [Substring] {
        normalized.split(separator: " ")
    }
}
