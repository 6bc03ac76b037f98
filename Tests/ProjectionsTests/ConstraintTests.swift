import TestSupport
import Postgres
import Testing

@Suite struct ConstraintTests {
    @Test(arguments: ConstraintCase.wingman) func wingman(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.nirva) func nirva(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.groupchat) func groupchat(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.migue) func migue(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.migueEnums) func migueEnums(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.companion) func companion(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.parley + ConstraintCase.parleyChecks) func parley(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.foreignKeys) func foreignKeys(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ForeignKeyActionCase.all) func foreignKeyActions(_ rule: ForeignKeyActionCase) throws { try rule.run() }

    /// Seed 002 lists no subscription tiers, message roles or scheduled statuses: any the product uses is stored.
    @Test func companionTakesTheValuesItsSeedLeavesOpen() throws {
        try MigratedDatabase.withRollback(schema: "companion") { connection in
            for statement in ConstraintCase.companionBase { try connection.execute(statement) }
            try connection.execute("UPDATE users SET subscription_tier = 'pro' WHERE id = \(ID.user1)")
            try connection.execute("INSERT INTO messages (conversation_id, role, content) VALUES (\(ID.conversation1), 'tool', '{}')")
            try connection.execute(
                "INSERT INTO scheduled_messages (user_id, scheduled_for, message_type, status, sent_at) VALUES (\(ID.user1), now(), 'check_in', 'failed', now())"
            )
            let rows = try connection.query("SELECT count(*)::int AS n FROM users u JOIN messages m ON m.role = 'tool' JOIN scheduled_messages s ON s.status = 'failed' WHERE u.subscription_tier = 'pro'")
            #expect(try rows[0].decode("n", as: Int.self) == 1)
        }
    }
}
