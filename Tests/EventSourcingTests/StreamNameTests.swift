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
