import Content

/// Spelling by ear ("yegamos", "nesesito un licensiado", "kiero"): a language's `sounds` pairs fold a word to how it
/// sounds, and an unknown word of a message in that language is read as the one keyword word that sounds the same.
/// Known words are never touched, so only misspellings change.
struct Sounds: Sendable {
    /// (written, heard), in the order staff wrote them: at each position of a word the first pair that matches applies.
    let pairs: [(written: [UInt8], heard: [UInt8])]

    init?(_ pack: LanguagePack) {
        let pairs = pack.sounds.map { (Array(Normalizer.normalize($0.written).utf8), Array(Normalizer.normalize($0.heard).utf8)) }
            .filter { !$0.0.isEmpty }
        if pairs.isEmpty { return nil }
        self.pairs = pairs
    }

    func fold<S: StringProtocol>(_ word: S) -> String {
        let bytes = Array(word.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        next: while i < bytes.count {
            for (written, heard) in pairs where bytes.count - i >= written.count {
                if bytes[i..<i + written.count].elementsEqual(written) {
                    out += heard
                    i += written.count
                    continue next
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
