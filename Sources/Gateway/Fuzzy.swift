/// Typo tolerance: finds vocabulary words within a small edit distance (optimal string alignment, so a swap of two
/// neighbouring letters costs 1: "derehcos" → "derechos"). Uses a symmetric-delete index (SymSpell): lookups cost
/// a few hash probes instead of a scan of the vocabulary.
struct FuzzyIndex: Sendable {
    private(set) var words: [String] = []
    private var bytes: [[UInt8]] = []
    /// Hash of a word with up to two letters deleted → words that produce it. Hash collisions only add
    /// candidates: every candidate is confirmed by computing the real distance.
    private var deletes: [UInt64: [Int32]] = [:]
    let maxDistance: Int

    init(maxDistance: Int = 2) { self.maxDistance = maxDistance }

    /// Edits allowed for a word of this length: none under 4 letters, 1 up to 8, 2 from 9. (A swap of two letters
    /// counts 1, so "derehcos" is still found; 2 edits on shorter words turn ordinary words into keywords.)
    static func allowedDistance(_ length: Int) -> Int { length < 4 ? 0 : (length < 9 ? 1 : 2) }

    /// Edits each entry tolerates (place names of 7+ letters take 2: "saltiyo", "tapachua").
    private var edits: [Int] = []

    mutating func insert(_ word: String, edits allowed: Int? = nil) -> Int {
        let id = Int32(words.count)
        words.append(word)
        let utf8 = Array(word.utf8)
        bytes.append(utf8)
        let depth = min(maxDistance, allowed ?? Self.allowedDistance(utf8.count))
        edits.append(depth)
        var seen = Set<UInt64>()
        Self.forEachDelete(utf8, depth: depth) { hash in
            if seen.insert(hash).inserted { deletes[hash, default: []].append(id) }
        }
        return Int(id)
    }

    /// Closest vocabulary entries (ids and distance) for a query; empty when none is close enough.
    /// `relaxed` (for "did you mean") ignores the length rules and allows `limit` edits.
    func lookup(_ query: Substring, limit: Int? = nil, relaxed: Bool = false) -> (ids: [Int], distance: Int) {
        let query = Array(query.utf8)
        let allowed = min(limit ?? (query.count >= 7 ? 2 : Self.allowedDistance(query.count)), maxDistance)
        guard allowed > 0 else { return ([], 0) }
        var best = Int.max, bestIDs: [Int] = []
        var checked: [Int32] = []
        // Depth 1 first: it finds one-letter typos and swaps cheaply; depth 2 only when that finds nothing.
        for depth in 1...allowed where best == Int.max {
            checked.removeAll(keepingCapacity: true)
            Self.forEachDelete(query, depth: depth) { hash in
                guard let ids = deletes[hash] else { return }
                for id in ids where !checked.contains(id) {
                    checked.append(id)
                    let candidate = bytes[Int(id)]
                    // The candidate's own allowance also limits: a short keyword never matches with 2 edits.
                    let cap = relaxed ? allowed : min(allowed, edits[Int(id)])
                    guard cap > 0, let d = Self.distance(query, candidate, max: cap) else { continue }
                    if d < best { best = d; bestIDs = [Int(id)] } else if d == best { bestIDs.append(Int(id)) }
                }
            }
        }
        return best == Int.max ? ([], 0) : (bestIDs, best)
    }

    /// Calls `body` with the hash of the word and of every variant with up to `depth` (1 or 2) bytes deleted.
    static func forEachDelete(_ word: [UInt8], depth: Int, _ body: (UInt64) -> Void) {
        let n = word.count
        body(hash(word, skipping: -1, -1))
        guard depth > 0, n > 1 else { return }
        for i in 0..<n {
            body(hash(word, skipping: i, -1))
            if depth > 1, n > 2 { for j in (i + 1)..<n { body(hash(word, skipping: i, j)) } }
        }
    }

    /// FNV-1a over the bytes, leaving out positions `a` and `b`.
    @inline(__always)
    static func hash(_ word: [UInt8], skipping a: Int, _ b: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for (i, byte) in word.enumerated() where i != a && i != b { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h ^ UInt64(word.count - (a >= 0 ? 1 : 0) - (b >= 0 ? 1 : 0))
    }

    /// Optimal string alignment distance, or nil when above `max`.
    static func distance(_ a: [UInt8], _ b: [UInt8], max: Int) -> Int? {
        if abs(a.count - b.count) > max { return nil }
        if a == b { return 0 }
        let n = a.count, m = b.count
        if n == 0 || m == 0 { return Swift.max(n, m) <= max ? Swift.max(n, m) : nil }
        var prev2 = [Int](repeating: 0, count: m + 1)
        var prev = Array(0...m)
        var row = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            row[0] = i
            var rowMin = i
            for j in 1...m {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = Swift.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = Swift.min(value, prev2[j - 2] + 1) }
                row[j] = value
                rowMin = Swift.min(rowMin, value)
            }
            if rowMin > max { return nil }
            (prev2, prev, row) = (prev, row, prev2)
        }
        return prev[m] <= max ? prev[m] : nil
    }
}
