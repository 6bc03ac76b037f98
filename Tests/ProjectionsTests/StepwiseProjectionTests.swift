import EventSourcing
import Foundation
import Migue
import Postgres
import Projections
import TestSupport
import Testing

/// The story applied one event per batch, each move checked right after it: a status update is
/// guarded by the status it leaves, so an update that missed its row would pass silently. Here
/// every `status-changed` leaves its row in its `to`, and every window event leaves the window at
/// the end and proactive count it names.
@Suite struct StepwiseProjectionTests {
    static let tables = [
        "migue.conversation": "conversations", "migue.reminder": "reminders", "migue.flow": "flow_sessions",
        "migue.call": "call_logs", "migue.scheduledmessage": "scheduled_messages", "migue.webhookfailure": "webhook_failures",
    ]

    /// The field `key` of the event's JSON payload.
    static func field(_ event: RecordedEvent, _ key: String) -> JSONValue? {
        guard case .object(let fields) = JSONValue(parsing: event.payload) else { return nil }
        return fields[key]
    }

    @Test func everyMoveLandsOnItsRowAsItIsApplied() async throws {
        let projected = try await ProjectedStory.shared()
        let database = try ProjectedStory.migratedDatabase()
        defer { database.drop() }
        let runner = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: projected.store,
            session: try DatabaseSession(database.conninfo, logger: TestServer.logger), logger: TestServer.logger)
        try await runner.register()
        let connection = try database.connect()
        var moves: [String: Int] = [:]
        var windowEvents = 0
        while let step = try await runner.applyNextBatch(limit: 1) {
            guard case .applied(let batch) = step else {
                Issue.record("a lone runner found its checkpoint moved: \(step)")
                break
            }
            let event = try #require(await projected.store.readAll(from: LogPosition(batch.next.rawValue - 1), limit: 1).first)
            if let transition = try MigueTransitions.transition(of: event), let table = Self.tables[event.stream.category] {
                let status = try connection.query("SELECT status::text AS s FROM migue.\(table) WHERE id = $1", [event.stream.id])
                #expect(status.first?["s"] == transition.to, "\(event.type) at \(event.position): \(transition.from) -> \(transition.to)")
                moves[table, default: 0] += 1
            }
            if event.stream.category == "migue.window" {
                try expectWindow(connection, event)
                windowEvents += 1
            }
        }
        #expect(moves == [
            "conversations": 3, "reminders": 4, "flow_sessions": 5, "call_logs": 4, "scheduled_messages": 2, "webhook_failures": 5,
        ])
        #expect(windowEvents == 9)
        let head = await projected.store.head()
        #expect(try await runner.checkpoint() == head)
    }

    /// After a window event: its end (opened, extended) or its count and time (proactive-sent) are the row's.
    func expectWindow(_ connection: Connection, _ event: RecordedEvent) throws {
        let row = try #require(try connection.query(
            """
            SELECT to_char(window_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS expires,
                   proactive_messages_sent_today AS today,
                   to_char(last_proactive_sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last
            FROM migue.messaging_windows WHERE id = $1
            """, [Migue.windowID(userID: UUID(uuidString: event.stream.id)!)]).first, "\(event.type) at \(event.position)")
        if event.type == "migue.window.proactive-sent" {
            #expect(Self.field(event, "proactive_messages_sent_today").map { "\($0.integerText)" } == row["today"])
            #expect(Self.field(event, "last_proactive_sent_at") == row["last"].map(JSONValue.string))
        } else {
            #expect(Self.field(event, "window_expires_at") == row["expires"].map(JSONValue.string), "\(event.type) at \(event.position)")
        }
    }
}

extension JSONValue {
    /// An integer's digits; empty for any other value.
    var integerText: String {
        if case .integer(let value) = self { return String(value) }
        return ""
    }
}
