// SMS encoding: GSM 03.38 / 3GPP 23.038 character counting, concatenated-SMS parts,
// chunking for USSD screens and service-sized parts, and a GSM-7 wording fallback.
//
// Facts (shared/reference/channels.md, "SMS encoding"):
// - One character outside GSM-7 switches the whole message to UCS-2.
// - Single SMS: 160 GSM-7 septets or 70 UCS-2 units. Concatenated parts: 153 septets or 67 units.
// - Extension-table characters (€ [ ] { } ~ ^ | \ and form feed) cost 2 septets; a character outside the
//   BMP (emoji) costs 2 UTF-16 units. Neither pair is ever split across parts, so a part may hold 152 / 66.
//
// Everything here is pure and allocation-light: `info` walks the Unicode scalars once (twice only for a
// message longer than one SMS) through a flat lookup table. No Foundation, no regex.

/// The data coding of an SMS.
public enum SMSEncoding: String, Sendable, Codable, CaseIterable {
    case gsm7 = "GSM-7"
    case ucs2 = "UCS-2"

    /// Units that fit a single (non-concatenated) SMS: 160 septets or 70 UTF-16 units.
    public var singleLimit: Int { self == .gsm7 ? 160 : 70 }
    /// Units that fit one part of a concatenated SMS (the rest is the UDH): 153 septets or 67 UTF-16 units.
    public var partLimit: Int { self == .gsm7 ? 153 : 67 }
}

/// How a text travels as SMS.
public struct SMSInfo: Sendable, Equatable {
    public var encoding: SMSEncoding
    /// Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2.
    public var units: Int
    /// 1 if `units` fit one SMS (160 / 70); else the number of concatenated parts (153 / 67 each, never
    /// splitting an extension pair or a surrogate pair, so a part may hold 152 / 66).
    public var segments: Int
    /// Units per part, in order. `[0]` for the empty text.
    public var partUnits: [Int]

    public init(encoding: SMSEncoding, units: Int, segments: Int, partUnits: [Int]) {
        self.encoding = encoding
        self.units = units
        self.segments = segments
        self.partUnits = partUnits
    }
}

public enum SMS {

    // MARK: - GSM 03.38 tables (data)

    /// GSM 03.38 default alphabet, code points 0x00–0x7F in order (Unicode's GSM0338.TXT).
    /// 0x1B is the escape to the extension table, not a character (`nil`).
    /// Non-ASCII scalars are written as escapes so that look-alikes (Ω U+03A9 vs Ohm U+2126,
    /// Å U+00C5 vs Angstrom U+212B) cannot slip in.
    static let basicTable: [Unicode.Scalar?] = [
        // 0x00: @ £ $ ¥ è é ù ì ò Ç LF Ø ø CR Å å
        "@", "\u{00A3}", "$", "\u{00A5}", "\u{00E8}", "\u{00E9}", "\u{00F9}", "\u{00EC}",
        "\u{00F2}", "\u{00C7}", "\n", "\u{00D8}", "\u{00F8}", "\r", "\u{00C5}", "\u{00E5}",
        // 0x10: Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ ESC Æ æ ß É
        "\u{0394}", "_", "\u{03A6}", "\u{0393}", "\u{039B}", "\u{03A9}", "\u{03A0}", "\u{03A8}",
        "\u{03A3}", "\u{0398}", "\u{039E}", nil, "\u{00C6}", "\u{00E6}", "\u{00DF}", "\u{00C9}",
        // 0x20: SP ! " # ¤ % & ' ( ) * + , - . /
        " ", "!", "\"", "#", "\u{00A4}", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
        // 0x30: 0-9 : ; < = > ?
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
        // 0x40: ¡ A-O
        "\u{00A1}", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        // 0x50: P-Z Ä Ö Ñ Ü §
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "\u{00C4}", "\u{00D6}", "\u{00D1}", "\u{00DC}", "\u{00A7}",
        // 0x60: ¿ a-o
        "\u{00BF}", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        // 0x70: p-z ä ö ñ ü à
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "\u{00E4}", "\u{00F6}", "\u{00F1}", "\u{00FC}", "\u{00E0}",
    ]

    /// GSM 03.38 extension table: sent as ESC (0x1B) + code, 2 septets each.
    static let extensionTable: [(code: UInt8, scalar: Unicode.Scalar)] = [
        (0x0A, "\u{000C}"),  // form feed
        (0x14, "^"),
        (0x28, "{"),
        (0x29, "}"),
        (0x2F, "\\"),
        (0x3C, "["),
        (0x3D, "~"),
        (0x3E, "]"),
        (0x40, "|"),
        (0x65, "\u{20AC}"),  // €
    ]

    /// Every GSM-7 scalar except € lies below U+0400 (the Greek capitals end at U+03A9).
    static let lookupBound: UInt32 = 0x400
    static let euro: UInt32 = 0x20AC

    /// Septets per scalar for U+0000..<U+0400: 0 = not GSM-7, 1 = basic table, 2 = extension table.
    static let septetTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: Int(lookupBound))
        for case let scalar? in basicTable {
            precondition(scalar.value < lookupBound && table[Int(scalar.value)] == 0, "GSM basic table")
            table[Int(scalar.value)] = 1
        }
        for entry in extensionTable where entry.scalar.value != euro {
            precondition(entry.scalar.value < lookupBound && table[Int(entry.scalar.value)] == 0, "GSM ext table")
            table[Int(entry.scalar.value)] = 2
        }
        return table
    }()

    @inline(__always)
    private static func septetCost(_ v: UInt32, _ table: UnsafeBufferPointer<UInt8>) -> Int {
        if v < lookupBound { return Int(table[Int(v)]) }
        return v == euro ? 2 : 0
    }

    /// Units a scalar costs in `encoding`. In GSM-7 a scalar outside the alphabet counts one septet (it would
    /// go out as one replacement character); in UCS-2 it is its UTF-16 length.
    @inline(__always)
    private static func unitCost(_ s: Unicode.Scalar, _ encoding: SMSEncoding, _ table: UnsafeBufferPointer<UInt8>) -> Int {
        switch encoding {
        case .gsm7: return max(1, septetCost(s.value, table))
        case .ucs2: return s.value > 0xFFFF ? 2 : 1
        }
    }

    // MARK: - Per-scalar queries

    /// True if the scalar is in the GSM 03.38 basic or extension table.
    public static func isGSM7(_ scalar: Unicode.Scalar) -> Bool {
        septets(scalar) != nil
    }

    /// 1 (basic table), 2 (extension table) or nil (not GSM-7).
    public static func septets(_ scalar: Unicode.Scalar) -> Int? {
        let v = scalar.value
        let cost = v < lookupBound ? Int(septetTable[Int(v)]) : (v == euro ? 2 : 0)
        return cost == 0 ? nil : cost
    }

    // MARK: - Counting

    /// Encoding, units and concatenated-SMS layout of `text`. A character made of several scalars
    /// ("e" + combining acute) is judged by its scalars: the combining mark is not GSM-7, so UCS-2.
    public static func info(_ text: String) -> SMSInfo {
        var septets = 0
        var utf16 = 0
        var gsm = true
        septetTable.withUnsafeBufferPointer { table in
            for s in text.unicodeScalars {
                let v = s.value
                let cost = septetCost(v, table)
                gsm = gsm && cost != 0
                septets &+= cost
                utf16 &+= v > 0xFFFF ? 2 : 1
            }
        }
        let encoding: SMSEncoding = gsm ? .gsm7 : .ucs2
        let units = gsm ? septets : utf16
        if units <= encoding.singleLimit {
            return SMSInfo(encoding: encoding, units: units, segments: 1, partUnits: [units])
        }
        var partUnits: [Int] = []
        partUnits.reserveCapacity(units / encoding.partLimit + 2)
        layout(text, encoding: encoding) { _, units in partUnits.append(units) }
        return SMSInfo(encoding: encoding, units: units, segments: partUnits.count, partUnits: partUnits)
    }

    /// Greedy concatenated-SMS layout: fills each part up to `encoding.partLimit` units and moves a scalar that
    /// would not fit (an extension pair or a surrogate pair at the edge) whole to the next part.
    /// Calls `part(endIndex, units)` for each part, in order. Only meaningful for a text longer than one SMS.
    private static func layout(_ text: String, encoding: SMSEncoding,
                               _ part: (String.UnicodeScalarView.Index, Int) -> Void) {
        let limit = encoding.partLimit
        let scalars = text.unicodeScalars
        septetTable.withUnsafeBufferPointer { table in
            var current = 0
            var index = scalars.startIndex
            while index != scalars.endIndex {
                let cost = unitCost(scalars[index], encoding, table)
                if current + cost > limit {
                    part(index, current)
                    current = 0
                }
                current += cost
                scalars.formIndex(after: &index)
            }
            part(scalars.endIndex, current)
        }
    }

    /// Splits text into the parts a phone will receive (concatenated SMS), at the same boundaries `info`
    /// counts; never splits an extension char or surrogate pair. One part when it fits a single SMS.
    /// Joined, the parts give back `text`. With no `encoding`, the one `info` picks is used; forcing `.gsm7`
    /// counts a scalar outside GSM-7 as one septet.
    public static func parts(_ text: String, encoding: SMSEncoding? = nil) -> [String] {
        let encoding = encoding ?? info(text).encoding
        let fitsOne = septetTable.withUnsafeBufferPointer { table in
            var total = 0
            for s in text.unicodeScalars {
                total += unitCost(s, encoding, table)
                if total > encoding.singleLimit { return false }
            }
            return true
        }
        if fitsOne { return [text] }
        let scalars = text.unicodeScalars
        var result: [String] = []
        var start = scalars.startIndex
        layout(text, encoding: encoding) { end, _ in
            result.append(String(scalars[start..<end]))
            start = end
        }
        return result
    }

    // MARK: - Chunking (USSD screens, service-sized parts)

    /// How good a place is to break after a chunk's last character.
    private enum BreakQuality: Int, Comparable {
        case anywhere = 0, space, sentenceEnd, lineBreak
        static func < (a: BreakQuality, b: BreakQuality) -> Bool { a.rawValue < b.rawValue }
    }

    /// Splits text into the fewest chunks each fitting `maxUnits` of the given encoding, preferring to break
    /// after a line break, then after a sentence end, then at a space, never inside a character.
    /// Used for USSD screens (182 GSM-7 chars) and for Kannel parts sized by the service.
    ///
    /// - The chunk count is minimal first. Then, from the start, each break is the best kind that still
    ///   allows that count (line break > sentence end > space > anywhere), the latest of its kind.
    /// - Joined, the chunks give back `text`: the line break or space a chunk breaks at stays at its end.
    /// - "Character" is a grapheme cluster (a flag or "e" + accent stays whole); only a cluster bigger than
    ///   `maxUnits` on its own is cut between its scalars. A single scalar costing more than `maxUnits`
    ///   (possible only with `maxUnits` 1) gets a chunk of its own.
    /// - Units as in `info`: UCS-2 counts UTF-16 units; GSM-7 counts septets (extension 2) and a scalar
    ///   outside GSM-7 as one.
    /// - The empty text gives `[""]`.
    public static func chunks(_ text: String, maxUnits: Int, encoding: SMSEncoding) -> [String] {
        let maxUnits = max(1, maxUnits)
        var fitsOne = true
        var simple = true  // every scalar below U+0300: grapheme clusters are the scalars, CR LF aside
        septetTable.withUnsafeBufferPointer { table in
            var total = 0
            for s in text.unicodeScalars {
                total += unitCost(s, encoding, table)
                simple = simple && s.value < 0x300
            }
            fitsOne = total <= maxUnits
        }
        if fitsOne { return [text] }  // also the empty text

        // Atoms: grapheme clusters, or the scalars of a cluster too big for one chunk.
        var kinds: [AtomKind] = []
        var ends: [String.Index] = []
        var costs: [Int] = []
        let scalars = text.unicodeScalars
        septetTable.withUnsafeBufferPointer { table in
            if simple {
                var index = scalars.startIndex
                while index != scalars.endIndex {
                    let s = scalars[index]
                    scalars.formIndex(after: &index)
                    if s == "\r" && index != scalars.endIndex && scalars[index] == "\n" && 2 <= maxUnits {
                        scalars.formIndex(after: &index)
                        kinds.append(.newline); ends.append(index); costs.append(2)
                    } else {
                        kinds.append(kind(of: s)); ends.append(index); costs.append(unitCost(s, encoding, table))
                    }
                }
                return
            }
            var index = text.startIndex
            for character in text {
                let next = text.utf8.index(index, offsetBy: character.utf8.count)
                var cost = 0
                for s in character.unicodeScalars { cost += unitCost(s, encoding, table) }
                if cost <= maxUnits {
                    kinds.append(kind(of: character)); ends.append(next); costs.append(cost)
                } else {
                    var i = index
                    while i != next {
                        let s = scalars[i]
                        scalars.formIndex(after: &i)
                        kinds.append(kind(of: s)); ends.append(i); costs.append(unitCost(s, encoding, table))
                    }
                }
                index = next
            }
        }
        let n = kinds.count

        // reach[i]: farthest boundary j such that kinds i..<j fit (at least i + 1).
        var reach = [Int](repeating: 0, count: n + 1)
        var j = 0
        var sum = 0  // cost of kinds i..<j
        for i in 0..<n {
            if j < i + 1 { j = i + 1; sum = costs[i] }
            while j < n && sum + costs[j] <= maxUnits { sum += costs[j]; j += 1 }
            reach[i] = j
            sum -= costs[i]
        }
        // fewest[i]: fewest chunks for the text from boundary i (greedy is optimal; non-increasing in i).
        var fewest = [Int](repeating: 0, count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) { fewest[i] = 1 + fewest[reach[i]] }

        var result: [String] = []
        result.reserveCapacity(fewest[0])
        var i = 0
        var start = text.startIndex
        while i < n {
            var best = reach[i]
            if best < n {
                let target = fewest[i] - 1
                var bestQuality = breakQuality(after: best - 1, kinds)
                var k = best - 1
                while k > i && bestQuality < .lineBreak && fewest[k] == target {
                    let quality = breakQuality(after: k - 1, kinds)
                    if quality > bestQuality { best = k; bestQuality = quality }
                    k -= 1
                }
            }
            let end = ends[best - 1]
            result.append(String(text[start..<end]))
            start = end
            i = best
        }
        return result
    }

    /// What an atom is, for choosing break points.
    private enum AtomKind: UInt8 {
        case other, newline, space, sentenceEnd, closing
    }

    private static func kind(of c: Character) -> AtomKind {
        var scalars = c.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return .other }
        if scalars.next() == nil { return kind(of: first) }
        return c.isNewline ? .newline : .other  // CR LF; any other cluster is part of a word
    }

    private static func kind(of s: Unicode.Scalar) -> AtomKind {
        switch s.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: return .newline
        case 0x20, 0x09: return .space
        case 0x21, 0x2E, 0x3F, 0x2026: return .sentenceEnd                  // ! . ? …
        case 0x22, 0x27, 0x29, 0x5D, 0xBB, 0x2019, 0x201D, 0x203A: return .closing  // " ' ) ] » ’ ” ›
        case 0xA0, 0x2007, 0x202F: return .other                            // no-break spaces
        case 0..<0x80: return .other
        default: return s.properties.isWhitespace ? .space : .other
        }
    }

    private static func breakQuality(after k: Int, _ kinds: [AtomKind]) -> BreakQuality {
        switch kinds[k] {
        case .newline:
            return .lineBreak
        case .space:
            // A space after ". ", "?» ", "!) ": a sentence end.
            var m = k - 1
            while m >= 0 && (kinds[m] == .space || kinds[m] == .closing) { m -= 1 }
            return m >= 0 && kinds[m] == .sentenceEnd ? .sentenceEnd : .space
        case .sentenceEnd:
            return k + 1 < kinds.count && kinds[k + 1] == .space ? .sentenceEnd : .anywhere
        case .other, .closing:
            return .anywhere
        }
    }

    // MARK: - GSM-7 fallback wording

    /// Replaces characters outside GSM-7 by the closest GSM-7 wording when the result keeps the meaning
    /// (á→a, Á→A, ê→e, ç→c, œ→oe, ’‘→', “”«»→", – —→-, …→..., no-break space→space, "e" + combining acute→é, …).
    /// Returns nil if some character has no safe replacement (emoji, Arabic…). A text already in GSM-7 comes
    /// back unchanged. Used by the content checker to say "this wording would fit in fewer SMS".
    public static func gsm7Fallback(_ text: String) -> String? {
        var out = String.UnicodeScalarView()
        var changed = false
        for s in text.unicodeScalars {
            if isGSM7(s) {
                out.append(s)
                continue
            }
            changed = true
            let v = s.value
            if (0x0300...0x036F).contains(v) {
                // Combining diacritic: compose with the letter before it when GSM-7 has that letter, else drop
                // it (the same as á→a).
                if let base = out.last, let composed = composeTable[ComposeKey(base: base.value, mark: v)] {
                    out.removeLast()
                    out.append(composed)
                }
                continue
            }
            guard let replacement = fallbackTable[s] else { return nil }
            out.append(contentsOf: replacement.unicodeScalars)
        }
        return changed ? String(out) : text
    }

    private struct ComposeKey: Hashable {
        var base: UInt32
        var mark: UInt32
    }

    /// Base letter + combining mark → precomposed GSM-7 letter.
    private static let composeTable: [ComposeKey: Unicode.Scalar] = {
        let rows: [(Unicode.Scalar, UInt32, Unicode.Scalar)] = [
            ("e", 0x0301, "\u{00E9}"), ("E", 0x0301, "\u{00C9}"),                              // é É
            ("e", 0x0300, "\u{00E8}"), ("u", 0x0300, "\u{00F9}"), ("i", 0x0300, "\u{00EC}"),   // è ù ì
            ("o", 0x0300, "\u{00F2}"), ("a", 0x0300, "\u{00E0}"),                              // ò à
            ("n", 0x0303, "\u{00F1}"), ("N", 0x0303, "\u{00D1}"),                              // ñ Ñ
            ("a", 0x0308, "\u{00E4}"), ("o", 0x0308, "\u{00F6}"), ("u", 0x0308, "\u{00FC}"),   // ä ö ü
            ("A", 0x0308, "\u{00C4}"), ("O", 0x0308, "\u{00D6}"), ("U", 0x0308, "\u{00DC}"),   // Ä Ö Ü
            ("a", 0x030A, "\u{00E5}"), ("A", 0x030A, "\u{00C5}"),                              // å Å
            ("C", 0x0327, "\u{00C7}"),                                                         // Ç
        ]
        var table: [ComposeKey: Unicode.Scalar] = [:]
        for (base, mark, composed) in rows { table[ComposeKey(base: base.value, mark: mark)] = composed }
        return table
    }()

    /// Replacements that keep the meaning. Every value is GSM-7 (checked by the tests).
    private static let fallbackTable: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = [:]
        // Latin letters whose accent GSM-7 lacks → the bare letter. (à è é ì ò ù ä ö ü ñ å Ä Ö Ü Ñ Å É Ç are
        // GSM-7 already and never reach this table.)
        let letters: [(String, String)] = [
            ("a", "áâãāăąǎạảấầẩẫậắằẳẵặ"), ("A", "ÀÁÂÃĀĂĄǍẠẢẤẦẨẪẬẮẰẲẴẶ"),
            ("c", "çćĉċč"), ("C", "ĆĈĊČ"),
            ("d", "ďđ"), ("D", "ĎĐ"),
            ("e", "êëēĕėęěẹẻẽếềểễệ"), ("E", "ÈÊËĒĔĖĘĚẸẺẼẾỀỂỄỆ"),
            ("g", "ĝğġģǧ"), ("G", "ĜĞĠĢǦ"),
            ("h", "ĥħ"), ("H", "ĤĦ"),
            ("i", "íîïĩīĭįıǐỉị"), ("I", "ÌÍÎÏĨĪĬĮİǏỈỊ"),
            ("j", "ĵ"), ("J", "Ĵ"),
            ("k", "ķ"), ("K", "Ķ"),
            ("l", "ĺļľŀł"), ("L", "ĹĻĽĿŁ"),
            ("n", "ńņňǹ"), ("N", "ŃŅŇǸ"),
            ("o", "óôõōŏőǒơọỏốồổỗộớờởỡợ"), ("O", "ÒÓÔÕŌŎŐǑƠỌỎỐỒỔỖỘỚỜỞỠỢ"),
            ("r", "ŕŗř"), ("R", "ŔŖŘ"),
            ("s", "śŝşšș"), ("S", "ŚŜŞŠȘ"),
            ("t", "ţťŧț"), ("T", "ŢŤŦȚ"),
            ("u", "úûũūŭůűųǔưụủứừửữự"), ("U", "ÙÚÛŨŪŬŮŰŲǓƯỤỦỨỪỬỮỰ"),
            ("w", "ŵ"), ("W", "Ŵ"),
            ("y", "ýÿŷỳỵỷỹ"), ("Y", "ÝŶŸỲỴỶỸ"),
            ("z", "źżž"), ("Z", "ŹŻŽ"),
        ]
        for (base, variants) in letters {
            for s in variants.unicodeScalars { table[s] = base }
        }
        let others: [(String, String)] = [
            ("oe", "œ"), ("OE", "Œ"), ("ij", "ĳ"), ("IJ", "Ĳ"), ("SS", "ẞ"),
            ("'", "\u{2018}\u{2019}\u{201A}\u{201B}\u{2032}\u{2039}\u{203A}`\u{00B4}"),  // ‘ ’ ‚ ‛ ′ ‹ › ` ´
            ("\"", "\u{201C}\u{201D}\u{201E}\u{201F}\u{2033}\u{00AB}\u{00BB}"),        // “ ” „ ‟ ″ « »
            ("-", "\u{2010}\u{2011}\u{2012}\u{2013}\u{2014}\u{2015}\u{2212}\u{2022}"),  // ‐ ‑ ‒ – — ― − •
            ("...", "\u{2026}"),                                                         // …
            ("1/2", "\u{00BD}"), ("1/4", "\u{00BC}"), ("3/4", "\u{00BE}"),              // ½ ¼ ¾
            // Tab, no-break space, the typographic spaces, narrow no-break, medium math, ideographic.
            (" ", "\t\u{00A0}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}\u{202F}\u{205F}\u{3000}"),
            ("\n", "\u{2028}\u{2029}"),  // line / paragraph separator
            // Invisible: soft hyphen, zero-width space / non-joiner / joiner, word joiner, BOM, variation selectors.
            ("", "\u{00AD}\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\u{FE0E}\u{FE0F}"),
        ]
        for (replacement, variants) in others {
            for s in variants.unicodeScalars { table[s] = replacement }
        }
        return table
    }()
}
