import EventSourcing
/// A deterministic stand-in for `text-embedding-3-small`: a hashed bag of words, 1536 dimensions,
/// normalised to length 1.
///
/// Each word (letters and digits, lowercased; a run of CJK, kana or Thai characters, which are not
/// separated by spaces, counts each character as a word) is hashed with 64-bit FNV-1a, never
/// Swift's seeded `Hasher`, so every run and machine gives the same vector. The hash picks a
/// dimension and a sign (the "hashing trick"); the counts are then divided by the vector's length.
/// Texts sharing words have a positive inner product, texts sharing none have about 0, so the
/// seed's inner-product search (`embedding <#> query`) ranks memories by shared words. Components are
/// rounded to 6 decimals, so each is a short exact decimal and converts to a `Float` without surprise.
public enum TextEmbedding {
    /// `user_memory.embedding`, `vector(1536)`.
    public static let dimensions = 1536

    /// The embedding of `text`; all zeros when it has no word.
    public static func vector(_ text: String) -> [Double] {
        var counts: [Int: Double] = [:]
        for word in words(text) {
            let hash = FNV1a.hash(word)
            counts[Int(hash % UInt64(dimensions)), default: 0] += (hash >> 63) == 0 ? 1 : -1
        }
        var vector = [Double](repeating: 0, count: dimensions)
        let length = counts.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0 else { return vector }
        for (index, count) in counts { vector[index] = (count / length * 1_000_000).rounded() / 1_000_000 }
        return vector
    }

    /// The inner product of two vectors of equal length (what pgvector's `<#>` negates).
    public static func innerProduct(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// The words of `text`, lowercased, in order.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if isUnspaced(scalar) {
                if !current.isEmpty { words.append(current) }
                current = ""
                words.append(String(scalar))
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .spacingMark
            {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Scripts written without spaces between words: CJK ideographs, kana and Thai (Korean spaces
    /// its words, so Hangul is not here).
    private static func isUnspaced(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x0E00...0x0E7F: true
        default: false
        }
    }
}
