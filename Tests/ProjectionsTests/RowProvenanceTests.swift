import EventSourcing
import Foundation
import Migue

import Testing
@testable import Projections

/// `parley explain` counts a statement as a write of a row only where the row's `id` is bound.
@Suite struct RowProvenanceTests {
    @Test func theRowKeyIsTheParameterBoundToId() {
        let user = UUID(), reminder = UUID(), token = UUID()
        let insert = SQLStatement(
            "INSERT INTO reminders (user_id, id, title) VALUES ($1, $2::uuid, lower($3))", [.uuid(user), .uuid(reminder), .text("t")])
        #expect(RowProvenance.rowKey(of: insert) == .uuid(reminder))
        let update = SQLStatement(
            "UPDATE reminders SET status = $3, send_token = COALESCE($4::uuid, send_token) WHERE id = $1 AND status = $2",
            [.uuid(reminder), .text("pending"), .text("sent"), .uuid(token)])
        #expect(RowProvenance.rowKey(of: update) == .uuid(reminder))
        let delete = SQLStatement("DELETE FROM reminders WHERE user_id = $2 AND id = $1", [.uuid(reminder), .uuid(user)])
        #expect(RowProvenance.rowKey(of: delete) == .uuid(reminder))
        #expect(RowProvenance.rowKey(of: SQLStatement("UPDATE reminders SET title = $1 WHERE user_id = $2", [.text("t"), .uuid(user)])) == nil)
        #expect(RowProvenance.rowKey(of: SQLStatement("INSERT INTO reminders (id) VALUES ($2)", [.uuid(reminder)])) == nil)
        #expect(RowProvenance.rowKey(of: SQLStatement("UPDATE reminders SET title = 't' WHERE id = $1", [])) == nil)
    }

    @Test func everyStatementOfTheMigueStoryNamesItsRowAndOnlyThatRowIsTraced() async throws {
        let store = InMemoryEventStore()
        try await MigueService(store: store).submit(MigueStory.script)
        let events = await store.readAll(from: .start, limit: 100_000)
        var tables = Set<String>()
        for event in events where ProjectionCatalog.migue.reads(event) {
            for statement in try ProjectionCatalog.migue.statements(event) {
                guard case .uuid = RowProvenance.rowKey(of: statement) else {
                    Issue.record("\(event.type): no uuid bound to id in \(statement.sql)")
                    continue
                }
                tables.insert(String(statement.sql.split(whereSeparator: \.isWhitespace)[statement.sql.hasPrefix("UPDATE") ? 1 : 2]))
            }
        }
        #expect(tables.count == ProjectionCatalog.migue.tables.count, "\(tables.sorted())")
        // Ana's id is bound in her reminders' and conversations' inserts, as their user_id.
        let ana = try #require(UUID(uuidString: MigueStory.ana))
        let asReminder = try RowProvenance.writes(of: ana, in: "reminders", projection: ProjectionCatalog.migue, events: events)
        #expect(asReminder.isEmpty)
        let asUser = try RowProvenance.writes(of: ana, in: "users", projection: ProjectionCatalog.migue, events: events)
        #expect(asUser.first?.eventType == "migue.user.registered")
    }
}
