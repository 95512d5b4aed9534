@testable import Gateway
import Testing

@Suite struct NormalizerTests {
    @Test(arguments: [
        ("PELIGROS TENOSIQUE", "peligros tenosique"),
        ("¿¿Dónde hay albergue??", "donde hay albergue"),
        ("ALBERGUE-IXTEPEC", "albergue ixtepec"),
        ("danger:tijuana", "danger tijuana"),
        ("AIDE!!", "aide"),
        ("ayudaaaa 🙏🙏", "ayuda ok ok"), ("👋", "menu"),
        ("helpppp", "help"),
        ("j'ai besoin d'un médecin", "j ai besoin d un medecin"),
        ("Niño pingüino ÑANDÚ", "nino pinguino nandu"),
        ("cd. hidalgo", "cd hidalgo"),
        ("Ｐｅｌｉｇｒｏｓ", "peligros"),                  // fullwidth
        ("e\u{301}xito", "exito"),                          // decomposed accent
        ("\u{200F}ayuda\u{200E}", "ayuda"),                 // RTL/LTR marks
        ("a\u{0}b\u{7}c", "a b c"),                         // control characters
        ("Œuvre Straße", "oeuvre strasse"),
        ("   ", ""),
        ("12345", "12345"),
        ("llamar calle", "llamar calle"),                   // real double letters stay
    ])
    func normalizes(input: String, expected: String) {
        #expect(Normalizer.normalize(input) == expected)
    }

    @Test func latinTableCoversItsRange() {
        #expect(Normalizer.latinFold.count == 0x180 - 0xC0)
    }

    @Test func longInputIsBounded() {
        let long = String(repeating: "peligro ", count: 2_000)
        #expect(Normalizer.normalize(long).utf8.count <= Normalizer.maxBytes)
    }
}

@Suite struct FuzzyTests {
    @Test(arguments: [
        ("derehcos", "derechos", 1), ("peligors", "peligros", 1), ("rihgts", "rights", 1),
        ("tijuan", "tijuana", 1), ("reinosa", "reynosa", 1), ("derchos", "derechos", 1),
    ])
    func findsTypos(typo: String, word: String, distance: Int) {
        var index = FuzzyIndex()
        for w in ["derechos", "peligros", "rights", "tijuana", "reynosa", "refugio"] { _ = index.insert(w) }
        let found = index.lookup(typo[...])
        #expect(found.ids.map { index.words[$0] } == [word])
        #expect(found.distance == distance)
    }

    @Test func shortWordsNeedExactMatch() {
        var index = FuzzyIndex()
        _ = index.insert("sos")
        #expect(index.lookup("sis"[...]).ids.isEmpty)
    }

    @Test(arguments: [("abc", "abc", 0), ("abcd", "abdc", 1), ("kitten", "sitting", 3)])
    func distance(a: String, b: String, d: Int) {
        #expect(FuzzyIndex.distance(Array(a.utf8), Array(b.utf8), max: 3) == d)
    }
}
