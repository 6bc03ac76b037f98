import EventSourcing
import Testing

@Suite struct StreamNameTests {
    @Test func parsesCategoryAndIdAtTheFirstDash() throws {
        let name = try #require(StreamName("reminder-7f3e-11aa"))
        #expect(name.category == "reminder")
        #expect(name.id == "7f3e-11aa")
        #expect(name.description == "reminder-7f3e-11aa")
    }

    @Test(arguments: ["", "reminder", "-abc", "reminder-"])
    func rejectsNamesWithoutBothParts(text: String) {
        #expect(StreamName(text) == nil)
    }

    @Test func categoryCannotContainADash() {
        #expect(StreamName(category: "a-b", id: "1") == nil)
        #expect(StreamName(category: "user", id: "a-b") != nil)
    }
}

@Suite struct StreamNameIdentityTests {
    @Test func theSameNameMadeEitherWayIsEqualAndHashesEqually() throws {
        let parsed = try #require(StreamName("reminder-7f3e-11aa"))
        let made = try #require(StreamName(category: "reminder", id: "7f3e-11aa"))
        #expect(parsed == made)
        #expect(parsed.hashValue == made.hashValue)
        #expect(Set([parsed, made]).count == 1)
    }

    @Test func namesDifferingInEitherPartDiffer() throws {
        let names = try ["a-1", "a-2", "b-1", "ab-1", "a-11"].map { try #require(StreamName($0)) }
        #expect(Set(names).count == names.count)
        var table: [StreamName: Int] = [:]
        for (index, name) in names.enumerated() { table[name] = index }
        for (index, name) in names.enumerated() { #expect(table[try #require(StreamName(name.description))] == index) }
    }

    /// "café" spelled NFC (é is U+00E9) and NFD (e and U+0301) is one text to Swift's `==` but
    /// other bytes in the log: two streams, as a reader comparing bytes sees them.
    @Test func namesAreTheirBytesNotTheirCanonicalText() throws {
        let composed = try #require(StreamName(category: "caf\u{E9}", id: "caf\u{E9}"))
        let decomposed = try #require(StreamName(category: "cafe\u{301}", id: "cafe\u{301}"))
        #expect(composed.description == decomposed.description)  // String equality: canonical
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        // Ordered by bytes: "e" (0x65) sorts before the first byte of "é" (0xC3).
        #expect(decomposed < composed)
        #expect(!(composed < decomposed))
    }
}

