/// Words written without their vowels to save credit ("nsto un dctor", "dnd ay albrg", "pligroso"): an unknown word
/// is read as the one keyword word that has the same consonants in the same order and differs from it only by
/// vowels left out.
enum Shorthand {
    static func consonants<S: StringProtocol>(_ word: S) -> String {
        String(decoding: word.utf8.filter { !isVowel($0) }, as: UTF8.self)
    }

    /// Three letters or more, at most a third of them vowels ("albrg", "drchos"; not "honduras"): worth looking up.
    static func mayBeShort<S: StringProtocol>(_ word: S) -> Bool {
        var letters = 0, vowels = 0
        for byte in word.utf8 { letters += 1; if isVowel(byte) { vowels += 1 } }
        return letters >= 3 && vowels * 3 <= letters
    }

    static func isVowel(_ byte: UInt8) -> Bool {
        byte == 0x61 || byte == 0x65 || byte == 0x69 || byte == 0x6F || byte == 0x75  // a e i o u
    }

    /// Whether `short` is `long` with some of its vowels left out.
    static func dropsOnlyVowels<S: StringProtocol>(_ short: S, of long: String) -> Bool {
        var rest = long.utf8[...]
        for byte in short.utf8 {
            while let first = rest.first, first != byte {
                guard isVowel(first) else { return false }
                rest = rest.dropFirst()
            }
            guard !rest.isEmpty else { return false }
            rest = rest.dropFirst()
        }
        return rest.allSatisfy(isVowel)
    }
}
