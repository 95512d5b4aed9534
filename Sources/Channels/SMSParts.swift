import Content

/// How a reply leaves as SMS: the coding and the parts a gateway will cut it into — the adapters' check at the
/// wire, because a wrong coding header or a cut character is corrupted by the gateway, not refused by it. The
/// counting itself is Content's (GSM 03.38 / 3GPP 23.038, checked against shared/reference).
public typealias SMSCoding = SMSEncoding

public enum SMSParts {
    /// Single SMS and concatenated-part capacities, in septets (GSM-7) or UTF-16 units (UCS-2).
    public static let gsmSingle = 160, gsmPart = 153, ucsSingle = 70, ucsPart = 67

    public static func septets(_ s: Unicode.Scalar) -> Int? { SMS.septets(s) }
    public static func isGSM7(_ text: String) -> Bool { SMS.info(text).encoding == .gsm7 }
    public static func coding(for text: String) -> SMSCoding { SMS.info(text).encoding }

    public static func count(_ text: String, coding: SMSCoding) -> Int {
        let info = SMS.info(text)
        return info.encoding == coding ? info.segments : split(text, coding: coding).count
    }

    /// The parts a text is sent in, never cutting a surrogate pair or a GSM escape pair across two parts.
    public static func split(_ text: String, coding: SMSCoding) -> [String] { SMS.parts(text, encoding: coding) }

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
}
