/// Words written without their vowels to save credit ("nsto un dctor", "dnd ay albrg", "pligroso"): an unknown word
/// is read as the one keyword word that has the same consonants in the same order and differs from it only by
/// vowels left out.
enum Shorthand {
    static func consonants<S: StringProtocol>(_ word: S) -> String {
        String(String.UnicodeScalarView(word.unicodeScalars.filter { !"aeiou".unicodeScalars.contains($0) }))
    }

    /// Whether `short` is `long` with some of its vowels left out.
    static func dropsOnlyVowels<S: StringProtocol>(_ short: S, of long: String) -> Bool {
        var rest = long.utf8[...]
        for byte in short.utf8 {
            while let first = rest.first, first != byte {
                guard "aeiou".utf8.contains(first) else { return false }
                rest = rest.dropFirst()
            }
            guard !rest.isEmpty else { return false }
            rest = rest.dropFirst()
        }
        return rest.allSatisfy { "aeiou".utf8.contains($0) }
    }
}
