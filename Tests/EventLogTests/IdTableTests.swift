import Foundation
import Testing

@testable import EventLog

/// The id index: every id found at its position, missing ids not found, across many growths.
@Suite struct IdTableTests {
    @Test func findsEveryIdAtItsPositionAcrossGrowths() {
        var table = IdTable()
        let ids = (0..<50_000).map { _ in UUID() }
        for (offset, id) in ids.enumerated() {
            if offset % 1000 == 0 { table.reserve(1000) }
            table.append(id)
        }
        #expect(table.count == ids.count)
        #expect(table.ids == ids)
        for (offset, id) in ids.enumerated() where table[id] != UInt64(offset) {
            Issue.record("id \(offset) found at \(String(describing: table[id]))")
            return
        }
        for _ in 0..<10_000 { #expect(table[UUID()] == nil) }
    }

    @Test func aClaimWithAStoredOrRepeatedIdAddsNothing() {
        var table = IdTable()
        let stored = (0..<3000).map { _ in UUID() }
        #expect(table.claim(stored.count) { stored[$0] } == .claimed)
        let fresh = (0..<500).map { _ in UUID() }
        #expect(table.claim(501) { $0 < 500 ? fresh[$0] : stored[1234] } == .stored)
        #expect(table.claim(501) { $0 < 500 ? fresh[$0] : fresh[17] } == .repeated)
        #expect(table.count == 3000)
        #expect(fresh.allSatisfy { table[$0] == nil })
        #expect(stored.enumerated().allSatisfy { table[$0.element] == UInt64($0.offset) })
        // Claimed and given up, the same ids can be claimed again at the same positions.
        #expect(table.claim(fresh.count) { fresh[$0] } == .claimed)
        table.removeLast(fresh.count)
        #expect(fresh.allSatisfy { table[$0] == nil })
        #expect(table.claim(fresh.count) { fresh[$0] } == .claimed)
        #expect(fresh.enumerated().allSatisfy { table[$0.element] == UInt64(3000 + $0.offset) })
    }

    @Test func idsThatShareAHashPrefixStayApart() {
        // Ids differing in one byte only: the table compares whole ids, not just hashes.
        var table = IdTable()
        let ids = (0..<256).map { byte in UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(byte))) }
        ids.forEach { table.append($0) }
        #expect(ids.enumerated().allSatisfy { table[$0.element] == UInt64($0.offset) })
        #expect(table[UUID(uuid: (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))] == nil)
    }
}
