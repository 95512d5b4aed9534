import Content
import Foundation
import Testing

/// SMS encoding (GSM 03.38 / UCS-2 counting, concatenated parts, chunks, GSM-7 fallback).
/// Reference cases: shared/reference/sms-encoding-examples.json, read in place (never copied).
@Suite("SMS encoding")
struct SMSEncodingTests {

    // MARK: - Reference file (shared/reference/sms-encoding-examples.json)

    struct ReferenceCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let chars: Int
        let encoding: String
        let units: Int
        let segments: Int
        let partUnits: [Int]

        enum CodingKeys: String, CodingKey {
            case name, text, chars, encoding, units, segments
            case partUnits = "part_units"
        }

        var testDescription: String { name }
    }

    struct MissingReference: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "SMS encoding reference cases not found at \(path): expected the shared reference "
                + "sms-encoding-examples.json at ../shared/reference/ relative to the package root"
        }
    }

    /// <package root>/../shared/reference/sms-encoding-examples.json, the root found from this file's path
    /// (<package root>/Tests/FaroTests/SMSEncodingTests.swift).
    static let referencePath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("../shared/reference/sms-encoding-examples.json").standardizedFileURL.path
    }()

    static func referenceCases() throws -> [ReferenceCase] {
        guard FileManager.default.fileExists(atPath: referencePath) else {
            throw MissingReference(path: referencePath)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: referencePath))
        return try JSONDecoder().decode([ReferenceCase].self, from: data)
    }

    // MARK: - Helpers

    /// Units of `text` in `encoding`, counted independently of the library's internals where possible.
    static func units(_ text: String, _ encoding: SMSEncoding) -> Int {
        switch encoding {
        case .ucs2: return text.utf16.count
        case .gsm7: return text.unicodeScalars.reduce(0) { $0 + (SMS.septets($1) ?? 1) }
        }
    }

    static func a(_ n: Int) -> String { String(repeating: "a", count: n) }
    static func b(_ n: Int) -> String { String(repeating: "b", count: n) }

    // MARK: - Reference cases

    @Test("reference file is present and readable")
    func referenceFilePresent() throws {
        try #require(
            FileManager.default.fileExists(atPath: Self.referencePath),
            "missing SMS reference cases at \(Self.referencePath)")
        let cases = try Self.referenceCases()
        #expect(cases.count >= 17, "expected the 17 reference cases, found \(cases.count)")
    }

    @Test("reference case: encoding, units, segments, part_units", arguments: try SMSEncodingTests.referenceCases())
    func referenceCase(_ c: ReferenceCase) throws {
        let expectedEncoding = try #require(SMSEncoding(rawValue: c.encoding), "unknown encoding \(c.encoding)")
        #expect(c.text.unicodeScalars.count == c.chars, "JSON text decoded to a different length")
        let info = SMS.info(c.text)
        #expect(info.encoding == expectedEncoding)
        #expect(info.units == c.units)
        #expect(info.segments == c.segments)
        #expect(info.partUnits == c.partUnits)
        #expect(info == SMSInfo(encoding: expectedEncoding, units: c.units, segments: c.segments, partUnits: c.partUnits))

        let parts = SMS.parts(c.text)
        #expect(parts.count == c.segments)
        #expect(parts.joined() == c.text)
        #expect(parts.map { Self.units($0, expectedEncoding) } == c.partUnits)
    }

    // MARK: - Boundaries

    struct Boundary: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let encoding: SMSEncoding
        let partUnits: [Int]
        var testDescription: String { name }
    }

    static let boundaries: [Boundary] = [
        Boundary(name: "empty", text: "", encoding: .gsm7, partUnits: [0]),
        Boundary(name: "160 GSM-7", text: a(160), encoding: .gsm7, partUnits: [160]),
        Boundary(name: "161 GSM-7", text: a(161), encoding: .gsm7, partUnits: [153, 8]),
        Boundary(name: "153·2 GSM-7", text: a(306), encoding: .gsm7, partUnits: [153, 153]),
        Boundary(name: "153·2+1 GSM-7", text: a(307), encoding: .gsm7, partUnits: [153, 153, 1]),
        Boundary(name: "70 UCS-2", text: "á" + a(69), encoding: .ucs2, partUnits: [70]),
        Boundary(name: "71 UCS-2", text: "á" + a(70), encoding: .ucs2, partUnits: [67, 4]),
        Boundary(name: "67·2 UCS-2", text: "á" + a(133), encoding: .ucs2, partUnits: [67, 67]),
        Boundary(name: "67·2+1 UCS-2", text: "á" + a(134), encoding: .ucs2, partUnits: [67, 67, 1]),
        Boundary(name: "€ as septets 159-160 still one SMS", text: a(158) + "€", encoding: .gsm7, partUnits: [160]),
        Boundary(name: "€ as septets 160-161", text: a(159) + "€", encoding: .gsm7, partUnits: [153, 8]),
        Boundary(name: "€ at septet 153 moves to part 2", text: a(152) + "€" + a(9), encoding: .gsm7, partUnits: [152, 11]),
        Boundary(name: "€ ending at septet 153 stays", text: a(151) + "€" + a(9), encoding: .gsm7, partUnits: [153, 9]),
        Boundary(name: "[ at septet 153 of part 2", text: a(153) + a(152) + "[" + "b", encoding: .gsm7, partUnits: [153, 152, 3]),
        Boundary(name: "emoji as units 69-70 still one SMS", text: a(68) + "😀", encoding: .ucs2, partUnits: [70]),
        Boundary(name: "emoji at unit 67 moves to part 2", text: a(66) + "😀" + b(9), encoding: .ucs2, partUnits: [66, 11]),
        Boundary(name: "emoji ending at unit 67 stays", text: a(65) + "😀" + b(9), encoding: .ucs2, partUnits: [67, 9]),
        Boundary(name: "e + combining acute is UCS-2, 2 units", text: "e\u{301}", encoding: .ucs2, partUnits: [2]),
        Boundary(name: "precomposed é is GSM-7", text: "\u{E9}", encoding: .gsm7, partUnits: [1]),
        Boundary(name: "Greek capitals, CR LF", text: "ΔΦΓΛΩΠΨΣΘΞ\r\n", encoding: .gsm7, partUnits: [12]),
        Boundary(name: "form feed is an extension char", text: "\u{0C}", encoding: .gsm7, partUnits: [2]),
        Boundary(name: "all extension chars", text: "^{}\\[~]|€", encoding: .gsm7, partUnits: [18]),
        Boundary(name: "backtick forces UCS-2", text: "a`b", encoding: .ucs2, partUnits: [3]),
        Boundary(name: "flag is 4 UTF-16 units", text: "🇲🇽", encoding: .ucs2, partUnits: [4]),
        Boundary(name: "tab forces UCS-2", text: "a\tb", encoding: .ucs2, partUnits: [3]),
    ]

    @Test("boundaries", arguments: SMSEncodingTests.boundaries)
    func boundary(_ c: Boundary) {
        let info = SMS.info(c.text)
        #expect(info.encoding == c.encoding)
        #expect(info.units == c.partUnits.reduce(0, +))
        #expect(info.segments == c.partUnits.count)
        #expect(info.partUnits == c.partUnits)
        let parts = SMS.parts(c.text)
        #expect(parts.joined() == c.text)
        #expect(parts.map { Self.units($0, c.encoding) } == c.partUnits)
    }

    // MARK: - Tables

    static let basic = Array(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)
    static let extended = Array("^{}\\[~]|€\u{0C}".unicodeScalars)
    static let notGSM = Array(
        "áíóúÁÍÓÚêâôîûëïÿœŒÈÀç`«»’“\t\u{0B}\u{1B}\u{A0}\u{301}\u{2126}\u{212B}😀ابвЖ°ªº".unicodeScalars)

    @Test("basic table: 1 septet", arguments: SMSEncodingTests.basic)
    func basicScalar(_ s: Unicode.Scalar) {
        #expect(SMS.septets(s) == 1)
        #expect(SMS.isGSM7(s))
    }

    @Test("extension table: 2 septets", arguments: SMSEncodingTests.extended)
    func extensionScalar(_ s: Unicode.Scalar) {
        #expect(SMS.septets(s) == 2)
        #expect(SMS.isGSM7(s))
    }

    @Test("not GSM-7", arguments: SMSEncodingTests.notGSM)
    func notGSMScalar(_ s: Unicode.Scalar) {
        #expect(SMS.septets(s) == nil)
        #expect(!SMS.isGSM7(s))
    }

    @Test("alphabet is exactly 127 basic characters + 10 extension characters")
    func alphabetSize() {
        var basicCount = 0
        var extensionCount = 0
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            switch SMS.septets(s) {
            case 1?: basicCount += 1
            case 2?: extensionCount += 1
            case nil: break
            default: Issue.record("septets(\(v)) out of range")
            }
        }
        #expect(basicCount == 127)  // 128 code points minus the escape 0x1B
        #expect(extensionCount == 10)
        #expect(Set(Self.basic).count == 127)
    }

    // MARK: - parts()

    static let sampleTexts: [String] = [
        "", "Hola", a(160), a(161), a(306), a(307), a(152) + "€" + a(200), "á" + a(200),
        a(66) + "😀" + b(80), String(repeating: "€", count: 200), String(repeating: "😀", count: 100),
        String(repeating: "¿Dónde está la clínica? ", count: 9), String(repeating: "Niño, pingüino [ok] ", count: 20),
        String(repeating: "🇲🇽 e\u{301} ", count: 40), String(repeating: "x\r\n", count: 90),
    ]

    @Test("parts join back to the input and each part fits", arguments: SMSEncodingTests.sampleTexts)
    func partsRoundTrip(_ text: String) {
        let info = SMS.info(text)
        let parts = SMS.parts(text)
        #expect(parts.joined() == text)
        #expect(parts.count == info.segments)
        #expect(parts.map { Self.units($0, info.encoding) } == info.partUnits)
        let limit = parts.count == 1 ? info.encoding.singleLimit : info.encoding.partLimit
        for part in parts {
            #expect(Self.units(part, info.encoding) <= limit)
            #expect(SMS.info(part).segments == 1)
        }
    }

    @Test("parts with a forced encoding")
    func partsForced() {
        // GSM-7 text forced to UCS-2 splits at 67 units.
        #expect(SMS.parts(Self.a(71), encoding: .ucs2).map(\.count) == [67, 4])
        #expect(SMS.parts(Self.a(70), encoding: .ucs2) == [Self.a(70)])
        // Forced GSM-7: a non-GSM scalar counts one septet (sent as a replacement).
        #expect(SMS.parts("á" + Self.a(159), encoding: .gsm7).count == 1)
        #expect(SMS.parts("á" + Self.a(160), encoding: .gsm7).map { $0.unicodeScalars.count } == [153, 8])
    }

    // MARK: - chunks()

    /// Fewest chunks when any grapheme boundary may be used (greedy is optimal).
    static func fewestChunks(_ text: String, _ maxUnits: Int, _ encoding: SMSEncoding) -> Int {
        if text.isEmpty { return 1 }
        var count = 1
        var current = 0
        for character in text {
            let cost = units(String(character), encoding)
            if current + cost > maxUnits { count += 1; current = 0 }
            current += cost
        }
        return count
    }

    static let chunkCases: [(String, Int, SMSEncoding)] = {
        var cases: [(String, Int, SMSEncoding)] = []
        let texts = sampleTexts + [
            "[Org]\n1 Estoy en peligro\n2 Refugio y papeles\n3 Comida y dormir\n4 Salud\n0 Salir",
            String(repeating: "Emergency? Call 911. The call is free, even with no credit. ", count: 8),
            String(repeating: "palabra ", count: 60) + "\n" + String(repeating: "€uro ", count: 40),
        ]
        for text in texts {
            for maxUnits in [4, 10, 67, 153, 182] {
                cases.append((text, maxUnits, .gsm7))
                cases.append((text, maxUnits, .ucs2))
            }
        }
        return cases
    }()

    @Test("chunks fit maxUnits, join back, are fewest, keep characters whole", arguments: SMSEncodingTests.chunkCases)
    func chunksInvariants(_ text: String, _ maxUnits: Int, _ encoding: SMSEncoding) {
        let chunks = SMS.chunks(text, maxUnits: maxUnits, encoding: encoding)
        #expect(chunks.joined() == text)
        #expect(chunks.count == Self.fewestChunks(text, maxUnits, encoding))
        for chunk in chunks {
            #expect(Self.units(chunk, encoding) <= maxUnits, "chunk \(chunk.debugDescription) too big")
            if !text.isEmpty { #expect(!chunk.isEmpty) }
        }
        // Never inside a character: the boundaries are grapheme boundaries of the whole text.
        #expect(chunks.reduce(0) { $0 + $1.count } == text.count)
    }

    @Test("chunks prefer line breaks (USSD menu)")
    func chunksPreferLineBreaks() {
        let menu = "[Org]\n1 Estoy en peligro\n2 Refugio y papeles\n3 Comida y dormir\n4 Salud\n0 Salir"
        let chunks = SMS.chunks(menu, maxUnits: 50, encoding: .gsm7)
        #expect(chunks == ["[Org]\n1 Estoy en peligro\n2 Refugio y papeles\n", "3 Comida y dormir\n4 Salud\n0 Salir"])
        // Fits one screen: untouched.
        #expect(SMS.chunks(menu, maxUnits: 182, encoding: .gsm7) == [menu])
    }

    @Test("chunks: fewest first, then sentence end, then space, then anywhere")
    func chunksPreferenceOrder() {
        // The line break after "a" would cost a third chunk: break inside the word instead.
        #expect(SMS.chunks("a\nbcdefghijklmnopqrs", maxUnits: 10, encoding: .gsm7) == ["a\nbcdefghi", "jklmnopqrs"])
        // A sentence end beats later spaces.
        #expect(SMS.chunks("Hola amigo. Llame al 555 hoy mismo.", maxUnits: 25, encoding: .gsm7)
            == ["Hola amigo. ", "Llame al 555 hoy mismo."])
        // The latest space beats a break inside a word.
        #expect(SMS.chunks("uno dos tres cuatro", maxUnits: 14, encoding: .gsm7) == ["uno dos tres ", "cuatro"])
        // A line break beats a sentence end.
        #expect(SMS.chunks("Uno.\nDos. Tres cuatro", maxUnits: 16, encoding: .gsm7) == ["Uno.\n", "Dos. Tres cuatro"])
        // No space at all: hard break at the limit.
        #expect(SMS.chunks(Self.a(25), maxUnits: 10, encoding: .gsm7) == [Self.a(10), Self.a(10), Self.a(5)])
    }

    @Test("chunks never split an extension char, a surrogate pair or a grapheme")
    func chunksKeepCharactersWhole() {
        #expect(SMS.chunks("€€€", maxUnits: 3, encoding: .gsm7) == ["€", "€", "€"])
        #expect(SMS.chunks("😀😀😀", maxUnits: 3, encoding: .ucs2) == ["😀", "😀", "😀"])
        #expect(SMS.chunks("🇲🇽🇲🇽🇲🇽", maxUnits: 5, encoding: .ucs2) == ["🇲🇽", "🇲🇽", "🇲🇽"])
        #expect(SMS.chunks("ae\u{301}e\u{301}", maxUnits: 2, encoding: .ucs2) == ["a", "e\u{301}", "e\u{301}"])
        #expect(SMS.chunks("ab\r\ncd", maxUnits: 4, encoding: .gsm7) == ["ab\r\n", "cd"])
        #expect(SMS.chunks("ab\r\ncd", maxUnits: 3, encoding: .gsm7) == ["ab", "\r\n", "cd"])
        #expect(SMS.chunks("", maxUnits: 10, encoding: .gsm7) == [""])
        // maxUnits 1 cannot hold a 2-septet character: it gets a chunk of its own, nothing crashes.
        #expect(SMS.chunks("€a", maxUnits: 1, encoding: .gsm7) == ["€", "a"])
    }

    @Test("USSD screens of 182 GSM-7 characters")
    func chunksUSSD() {
        let text = String(repeating: "Emergency? Call 911. The call is free, even with no credit. ", count: 8)
        let screens = SMS.chunks(text, maxUnits: 182, encoding: .gsm7)
        #expect(screens.joined() == text)
        #expect(screens.count == 3)
        for screen in screens.dropLast() {
            #expect(Self.units(screen, .gsm7) <= 182)
            #expect(screen.hasSuffix(". ") || screen.hasSuffix("? "), "screen should end at a sentence: \(screen.debugDescription)")
        }
    }

    // MARK: - gsm7Fallback()

    static let fallbackCases: [(String, String?)] = [
        ("información", "informacion"),
        ("emoji 😀", nil),
        ("", ""),
        ("Hola, ¿qué tal? Niño ü ñ €", "Hola, ¿qué tal? Niño ü ñ €"),
        ("¿Dónde está la clínica?", "¿Donde esta la clinica?"),
        ("Le garçon français", "Le garcon francais"),
        ("Ça va", "Ça va"),
        ("Crêpe à l’île, où?", "Crepe à l'ile, où?"),
        ("ÁÉÍÓÚ ÀÈÌÒÙ ÂÊÎÔÛ âêîôû ëïÿ", "AÉIOU AEIOU AEIOU aeiou eiy"),
        ("cœur Œuvre", "coeur OEuvre"),
        ("“Hola” – ‘sí’ — ya…", "\"Hola\" - 'si' - ya..."),
        ("« Bonjour »", "\" Bonjour \""),
        ("5\u{A0}€", "5 €"),
        ("Tab\there", "Tab here"),
        ("e\u{301}cole", "école"),
        ("a\u{301}rbol", "arbol"),
        ("n\u{303}", "ñ"),
        ("ma\u{301}s\u{AD}", "mas"),
        ("São Tomé", "Sao Tomé"),
        ("مرحبا", nil),
        ("Привет", nil),
        ("你好", nil),
        ("OK 👍🏽", nil),
        ("20°C", nil),
    ]

    @Test("gsm7Fallback", arguments: SMSEncodingTests.fallbackCases)
    func fallback(_ input: String, _ expected: String?) {
        let result = SMS.gsm7Fallback(input)
        #expect(result == expected)
        if let result {
            #expect(SMS.info(result).encoding == .gsm7)
        }
    }

    @Test("gsm7Fallback output is always GSM-7")
    func fallbackAlwaysGSM7() {
        // Every scalar of Latin-1 Supplement, Latin Extended-A and General Punctuation, alone and in a word.
        let ranges: [ClosedRange<UInt32>] = [0x00...0x7F, 0xA0...0x17F, 0x2000...0x206F, 0x1EA0...0x1EF9, 0xFE00...0xFE0F]
        for range in ranges {
            for v in range {
                guard let s = Unicode.Scalar(v) else { continue }
                let text = "x" + String(Character(s)) + "y"
                if let result = SMS.gsm7Fallback(text) {
                    #expect(result.unicodeScalars.allSatisfy(SMS.isGSM7), "U+\(String(v, radix: 16)) → \(result.debugDescription)")
                    #expect(result.hasPrefix("x") && result.hasSuffix("y"))
                }
            }
        }
    }

    @Test("gsm7Fallback makes a UCS-2 reference message fit fewer SMS")
    func fallbackSavesParts() throws {
        for c in try Self.referenceCases() where c.encoding == SMSEncoding.ucs2.rawValue {
            guard let fallback = SMS.gsm7Fallback(c.text) else {
                #expect(c.text.unicodeScalars.contains { $0.properties.isEmojiPresentation }, "\(c.name)")
                continue
            }
            let info = SMS.info(fallback)
            #expect(info.encoding == .gsm7, "\(c.name)")
            #expect(info.segments <= c.segments, "\(c.name)")
        }
    }
}
