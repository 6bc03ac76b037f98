import EventSourcing
import Testing

@testable import EventLog

/// The stream index: every name keeps the number of its first appearance across growths.
@Suite struct HashedListTests {
    @Test func numbersNamesInOrderOfFirstAppearanceAcrossGrowths() throws {
        var table = HashedList<StreamName>()
        let names = try (0..<20_000).map { try #require(StreamName(category: $0 % 3 == 0 ? "a" : "b", id: "\($0)")) }
        for (number, name) in names.enumerated() {
            #expect(table.findOrAppend(name) == UInt64(number))
            // Asking again, later, gives the same number and adds nothing.
            if number % 7 == 0 { #expect(table.findOrAppend(names[number / 2]) == UInt64(number / 2)) }
        }
        #expect(table.count == names.count)
        #expect(table.elements == names)
        for (number, name) in names.enumerated() where table[name] != UInt64(number) {
            Issue.record("\(name) found as \(String(describing: table[name]))")
            return
        }
        #expect(table[try #require(StreamName(category: "a", id: "1"))] == nil)
        #expect(table[try #require(StreamName(category: "c", id: "0"))] == nil)
    }
}
