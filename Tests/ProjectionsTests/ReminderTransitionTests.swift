import TestSupport
import Postgres
import Testing

/// migue's reminder state machine, enforced by `trg_reminders_status_transition`.
@Suite struct ReminderTransitionTests {
    static let statuses = ["pending", "sent", "cancelled", "failed"]

    /// Seed 004's list, and nothing else.
    static let allowed: Set<[String]> = [
        ["pending", "sent"], ["pending", "cancelled"], ["pending", "failed"],
        ["failed", "pending"], ["failed", "cancelled"], ["cancelled", "pending"],
    ]

    @Test(arguments: statuses, statuses)
    func transition(from: String, to: String) throws {
        try MigratedDatabase.withRollback(schema: "migue") { connection in
            try connection.execute("INSERT INTO users (id, phone_number) VALUES (\(ID.user1), '+573001234567')")
            try connection.execute(
                "INSERT INTO reminders (id, user_id, title, scheduled_time, status) VALUES (\(ID.message1), \(ID.user1), 'Call', now(), $1)",
                [from]
            )
            let update = "UPDATE reminders SET status = $1 WHERE id = \(ID.message1)"
            if from == to || Self.allowed.contains([from, to]) {
                #expect(try connection.execute(update, [to]) == 1)
                #expect(try connection.query("SELECT status::text FROM reminders")[0].decode("status", as: String.self) == to)
            } else {
                let error = #expect(throws: PostgresError.self) { try connection.execute(update, [to]) }
                #expect(error?.code == .checkViolation)
                #expect(error?.constraint == "chk_reminder_status_transition")
                #expect(error?.table == "reminders")
                // The new status is the statement's parameter, so the description shows it as $1.
                #expect(error?.message.contains("cannot move from \(from) to $1") == true, "\(String(describing: error))")
            }
        }
    }

    @Test func otherColumnsChangeFreelyInAnyStatus() throws {
        try MigratedDatabase.withRollback(schema: "migue") { connection in
            try connection.execute("INSERT INTO users (id, phone_number) VALUES (\(ID.user1), '+573001234567')")
            try connection.execute(
                "INSERT INTO reminders (user_id, title, scheduled_time, status) VALUES (\(ID.user1), 'Call', now(), 'sent')")
            #expect(try connection.execute("UPDATE reminders SET title = 'Call mom', send_token = gen_random_uuid()") == 1)
        }
    }
}
