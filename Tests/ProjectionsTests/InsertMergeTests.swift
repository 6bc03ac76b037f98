import EventSourcing
@testable import Projections
import Testing

/// Runs of one single-row INSERT become a COPY or one multi-row INSERT, and keep the row counts
/// their statements expect.
@Suite struct InsertMergeTests {
    static let ignoring = "INSERT INTO t (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    static let plain = "INSERT INTO t (id, name) VALUES ($1, $2)"

    static func run(_ sql: String, count: Int, expecting expected: (Int) -> Int?) -> [SQLStatement] {
        (0..<count).map { SQLStatement(sql, [.integer(Int64($0)), .text("row \($0)")], expectedRows: expected($0)) }
    }

    @Test func aMergedInsertExpectsTheSumOfItsRows() {
        let plan = StatementCoalescer.plan(Self.run(Self.ignoring, count: 3) { $0 == 1 ? 0 : 1 })
        #expect(plan == [.statement(SQLStatement(
            "INSERT INTO t (id, name) VALUES ($1, $2), ($3, $4), ($5, $6) ON CONFLICT DO NOTHING",
            [.integer(0), .text("row 0"), .integer(1), .text("row 1"), .integer(2), .text("row 2")], expectedRows: 2))])
    }

    @Test func aMergedInsertExpectsNothingWhenOneOfItsRowsExpectsNothing() {
        let plan = StatementCoalescer.plan(Self.run(Self.ignoring, count: 3) { $0 == 2 ? nil : 1 })
        guard case .statement(let merged) = plan.first, plan.count == 1 else { Issue.record("not one statement: \(plan)"); return }
        #expect(merged.expectedRows == nil)
    }

    @Test func aRunExpectingOneRowEachGoesThroughCOPY() {
        let plan = StatementCoalescer.plan(Self.run(Self.plain, count: 10) { _ in 1 })
        #expect(plan == [.copy(table: "t", columns: ["id", "name"], rows: (0..<10).map { ["\($0)", "row \($0)"] })])
    }

    /// COPY reports no count per row, so a run expecting another count stays an INSERT whose
    /// count the runner checks.
    @Test func aRunExpectingAnotherCountIsNotCopied() {
        let plan = StatementCoalescer.plan(Self.run(Self.plain, count: 10) { $0 == 4 ? 0 : 1 })
        guard case .statement(let merged) = plan.first, plan.count == 1 else { Issue.record("not one statement: \(plan)"); return }
        #expect(merged.sql.hasPrefix("INSERT INTO t (id, name) VALUES ($1, $2), ($3, $4)"))
        #expect(merged.expectedRows == 9)
    }
}
