/// How a reply leaves as SMS: the coding and the parts a gateway will cut it into.
///
/// The core (Content) decides the wording and counts segments; this is the adapters' own check at the wire,
/// because a wrong coding header or a cut character is corrupted by the gateway, not refused by it
/// (GSM 03.38 / 3GPP 23.038; `shared/reference/channels.md`).
public enum SMSCoding: String, Sendable, Equatable {
    case gsm7 = "GSM-7"
    case ucs2 = "UCS-2"
}

public enum SMSParts {
    /// Single SMS and concatenated-part capacities, in septets (GSM-7) or UTF-16 units (UCS-2).
    public static let gsmSingle = 160, gsmPart = 153, ucsSingle = 70, ucsPart = 67

    /// GSM 03.38 basic table (one septet each).
    static let gsmBasic: Set<Unicode.Scalar> = {
        let chars = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
        return Set(chars.unicodeScalars)
    }()

    /// GSM 03.38 extension table (escape + one septet: two septets each).
    static let gsmExtension: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)

    /// Septets of each ASCII scalar (0: not in GSM-7), so the common case needs no hashing.
    static let asciiSeptets: [UInt8] = (0..<128).map { v in
        let s = Unicode.Scalar(UInt8(v))
        if gsmBasic.contains(s) { return 1 }
        if gsmExtension.contains(s) { return 2 }
        return 0
    }

    /// Septets for a scalar in GSM-7, or nil when it is not in the GSM alphabet.
    public static func septets(_ s: Unicode.Scalar) -> Int? {
        if s.value < 128 {
            let n = asciiSeptets[Int(s.value)]
            return n == 0 ? nil : Int(n)
        }
        if gsmBasic.contains(s) { return 1 }
        if gsmExtension.contains(s) { return 2 }
        return nil
    }

    /// True when every character is in the GSM-7 alphabet (basic or extension table).
    public static func isGSM7(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { septets($0) != nil }
    }

    /// The coding a text needs: GSM-7 when every character fits, else UCS-2.
    public static func coding(for text: String) -> SMSCoding {
        isGSM7(text) ? .gsm7 : .ucs2
    }

    /// The number of parts the text takes in the coding.
    public static func count(_ text: String, coding: SMSCoding) -> Int {
        split(text, coding: coding).count
    }

    /// The parts a text is sent in, never cutting a character (a surrogate pair, a GSM escape pair, or a
    /// grapheme cluster that fits in one part) across two parts. An empty text is one empty part.
    public static func split(_ text: String, coding: SMSCoding) -> [String] {
        let single = coding == .gsm7 ? gsmSingle : ucsSingle
        let part = coding == .gsm7 ? gsmPart : ucsPart
        if units(text, coding: coding) <= single { return [text] }
        var parts: [String] = []
        var current = ""
        var used = 0
        for ch in text {
            let u = units(ch, coding: coding)
            if u > part {
                // A cluster bigger than a part (a very long emoji sequence): split it by scalars.
                for scalar in ch.unicodeScalars {
                    let su = units(scalar, coding: coding)
                    if used + su > part { parts.append(current); current = ""; used = 0 }
                    current.unicodeScalars.append(scalar)
                    used += su
                }
                continue
            }
            if used + u > part { parts.append(current); current = ""; used = 0 }
            current.append(ch)
            used += u
        }
        parts.append(current)
        return parts
    }

    /// Septets (GSM-7; an unknown character counts one, as the gateway's `?` would) or UTF-16 units (UCS-2).
    public static func units(_ text: String, coding: SMSCoding) -> Int {
        switch coding {
        case .ucs2: text.utf16.count
        case .gsm7: text.unicodeScalars.reduce(0) { $0 + (septets($1) ?? 1) }
        }
    }

    static func units(_ ch: Character, coding: SMSCoding) -> Int {
        switch coding {
        case .ucs2: ch.utf16.count
        case .gsm7: ch.unicodeScalars.reduce(0) { $0 + (septets($1) ?? 1) }
        }
    }

    static func units(_ s: Unicode.Scalar, coding: SMSCoding) -> Int {
        switch coding {
        case .ucs2: s.utf16.count
        case .gsm7: septets(s) ?? 1
        }
    }
}
