import EventSourcing
import Foundation
import Ingest
import Testing

@Suite struct TextEmbeddingTests {
    @Test func unitLengthSixDecimalsAndTheSameEveryTime() {
        let vector = TextEmbedding.vector("The weather is nice today, the sun is out")
        #expect(vector.count == 1536)
        #expect(abs(TextEmbedding.innerProduct(vector, vector) - 1) < 1e-5)
        #expect(vector.allSatisfy { ($0 * 1_000_000).rounded() == $0 * 1_000_000 })
        #expect(vector == TextEmbedding.vector("The weather is nice today, the sun is out"))
        // Fixed by FNV-1a, not by a per-process seed: "hello" hashes to 0xa430d84680aabd0b, which is
        // 267 modulo 1536, with the top bit set (a negative sign).
        let hello = TextEmbedding.vector("hello")
        #expect(hello.indices.filter { hello[$0] != 0 } == [267])
        #expect(hello[267] == -1)
    }

    @Test func wordsIgnoreCaseAndPunctuationAndSplitUnspacedScripts() {
        #expect(TextEmbedding.vector("Hello, WORLD!") == TextEmbedding.vector("hello world"))
        #expect(TextEmbedding.vector("").allSatisfy { $0 == 0 })
        #expect(TextEmbedding.vector("?!").allSatisfy { $0 == 0 })
        // Japanese shares characters without spaces; the two sentences share 今日 and は.
        let similarity = TextEmbedding.innerProduct(TextEmbedding.vector("今日は晴れ"), TextEmbedding.vector("今日は雨"))
        #expect(similarity > 0.5)
    }

    @Test func sharedWordsRankFirstInAnInnerProductSearch() throws {
        // One user's memories, as the import writes them, searched as the seed's `<#>` query would.
        let memories = [
            "What is your favourite food? — I like pizza with cheese",
            "Do you like football? — I watch every match",
            "Talks about food, sports",
            "What time is it? — It is late",
        ]
        let vectors = memories.map(TextEmbedding.vector)
        func nearest(_ query: String) -> String {
            let probe = TextEmbedding.vector(query)
            let scored = zip(memories, vectors).map { ($0, TextEmbedding.innerProduct(probe, $1)) }
            return scored.max { $0.1 < $1.1 }?.0 ?? ""
        }
        #expect(nearest("pizza") == memories[0])
        #expect(nearest("which match did you watch") == memories[1])
        #expect(nearest("is it late") == memories[3])
        let unrelated = TextEmbedding.innerProduct(TextEmbedding.vector("pizza"), vectors[1])
        #expect(unrelated == 0)
    }
}
