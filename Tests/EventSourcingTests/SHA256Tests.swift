import EventSourcing
import Foundation
import Testing

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(input: String, digest: String) {
        #expect(SHA256.hexDigest(Array(input.utf8)) == digest)
    }

    @Test func aMillionAs() {
        #expect(SHA256.hexDigest(repeatElement(UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func nameBasedUUIDsAreStableVersion8AndDistinct() throws {
        let namespace = try #require(UUID(uuidString: "6ba7b811-9dad-11d1-80b4-00c04fd430c8"))
        let first = UUID(namespace: namespace, name: "wamid.HBgLMTU1NTAxMjM0NTY3FQIAEhgU")
        #expect(first == UUID(namespace: namespace, name: "wamid.HBgLMTU1NTAxMjM0NTY3FQIAEhgU"))
        #expect(first != UUID(namespace: namespace, name: "wamid.HBgLMTU1NTAxMjM0NTY3FQIAEhgV"))
        #expect(first.uuidString.dropFirst(14).first == "8")
        #expect(["8", "9", "A", "B"].contains(first.uuidString.dropFirst(19).first.map(String.init)))
        // Pinned: ids in stored logs were derived with this value; it must never change.
        #expect(first.lowercasedText == "1e665abe-19cb-8e48-8823-0f605c5841fa")
    }

    @Test(arguments: [1, 3, 63, 64, 65, 100, 768])
    func updatesInPiecesGiveTheDigestOfTheWhole(piece: Int) {
        let bytes = (0..<3).flatMap { _ in (0...255).map(UInt8.init) }
        var hasher = SHA256()
        for start in stride(from: 0, to: bytes.count, by: piece) { hasher.update(bytes[start..<min(start + piece, bytes.count)]) }
        let expected = "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363"
        #expect(hasher.finalize() == SHA256.hash(bytes))
        #expect(SHA256.hexDigest(bytes) == expected)
    }
}

@Suite struct TextFormTests {
    @Test func lowercasedTextMatchesFoundation() {
        for _ in 0..<100 {
            let id = UUID()
            #expect(id.lowercasedText == id.uuidString.lowercased())
        }
    }
}
