import EventSourcing
import Testing

@testable import EventLog

/// The stream index: every name keeps the number of its first appearance across growths.
@Suite struct StreamTableTests {
    @Test func numbersNamesInOrderOfFirstAppearanceAcrossGrowths() throws {
        var table = StreamTable()
        let names = try (0..<20_000).map { try #require(StreamName(category: $0 % 3 == 0 ? "a" : "b", id: "\($0)")) }
        for (number, name) in names.enumerated() {
            #expect(table.number(of: name) == UInt32(number))
            // Asking again, later, gives the same number and adds nothing.
            if number % 7 == 0 { #expect(table.number(of: names[number / 2]) == UInt32(number / 2)) }
        }
        #expect(table.count == names.count)
        #expect(table.names == names)
        for (number, name) in names.enumerated() where table[name] != UInt32(number) {
            Issue.record("\(name) found as \(String(describing: table[name]))")
            return
        }
        #expect(table[try #require(StreamName(category: "a", id: "1"))] == nil)
        #expect(table[try #require(StreamName(category: "c", id: "0"))] == nil)
    }
}
