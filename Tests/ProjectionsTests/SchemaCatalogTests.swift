import Migue
import TestSupport
import Postgres
import Testing

/// The named objects the seeds state exist under their names.
@Suite struct SchemaCatalogTests {
    static let indexes: [(schema: String, names: [String])] = [
        ("wingman", [
            "idx_users_platform_id", "idx_users_type", "idx_users_profile_data_gin", "idx_users_age", "idx_users_interests",
            "idx_conversations_bot_match", "idx_conversations_metadata_gin", "idx_conversations_bot_match_active",
            "idx_messages_conversation_time", "idx_messages_sender", "idx_messages_sentiment", "idx_bot_suggestions_conversation",
        ]),
        ("nirva", [
            "idx_user_conversations_user_id", "idx_user_conversations_last_activity", "idx_conversation_messages_user_id",
            "idx_conversation_messages_timestamp", "idx_conversation_messages_role", "idx_conversation_messages_content_gin",
            "idx_conversation_context_user_id", "idx_conversation_context_last_updated",
        ]),
        ("groupchat", [
            "idx_messages_conversation_created_at", "idx_messages_sender", "idx_conversations_created_by",
            "idx_conversations_last_message_at", "idx_participants_user_active", "idx_participants_conversation",
        ]),
        ("migue", [
            "idx_users_phone", "uniq_active_conversation_per_user", "uniq_wa_conversation_id", "uniq_wa_message",
            "idx_messages_v2_conv_ts", "uniq_reminders_send_token", "idx_user_locations_coords", "user_memory_embedding_idx",
        ]),
        ("companion", [
            "idx_conversations_user_id", "idx_conversations_started_at", "idx_messages_conversation_id", "idx_messages_created_at",
            "idx_user_context_user_id", "idx_user_context_category", "idx_scheduled_messages_user_id", "idx_scheduled_messages_status",
        ]),
    ]

    @Test(arguments: zip(indexes.map(\.schema), indexes.map(\.names)))
    func indexesExist(schema: String, names: [String]) throws {
        let connection = try MigratedDatabase.connect()
        let rows = try connection.query("SELECT indexname FROM pg_indexes WHERE schemaname = $1", [schema])
        let present = Set(try rows.map { try $0.decode("indexname", as: String.self) })
        #expect(Set(names).subtracting(present).isEmpty, "missing in \(schema): \(Set(names).subtracting(present).sorted())")
    }

    @Test func migueEnumsHaveTheSeedsLabelsInOrder() throws {
        let connection = try MigratedDatabase.connect()
        let expected = [
            "msg_type": "text image audio sticker video document location interactive button reaction order contacts system unknown",
            "msg_direction": "inbound outbound",
            "conv_status": "active archived closed",
            "reminder_status": "pending sent cancelled failed",
            "flow_status": "pending in_progress completed expired failed",
        ]
        for (name, labels) in expected {
            let rows = try connection.query(
                """
                SELECT string_agg(e.enumlabel, ' ' ORDER BY e.enumsortorder) AS labels FROM pg_enum e
                JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = 'migue' AND t.typname = $1
                """, [name])
            #expect(try rows[0].decodeIfPresent("labels", as: String.self) == labels, "\(name)")
        }
    }

    @Test func everyCompanionTableHasRowLevelSecurityAndAPolicy() throws {
        let connection = try MigratedDatabase.connect()
        let rows = try connection.query(
            """
            SELECT c.relname, c.relrowsecurity AS secured, (SELECT count(*) FROM pg_policies p
              WHERE p.schemaname = 'companion' AND p.tablename = c.relname) AS policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'companion' AND c.relkind = 'r'
            """)
        #expect(rows.count == 7)
        for row in rows {
            #expect(try row.decode("secured", as: Bool.self), "\(row["relname"] ?? "")")
            #expect(try row.decode("policies", as: Int.self) == 1, "\(row["relname"] ?? "")")
        }
    }

    /// Specs/migue-schema.md: RLS on all thirteen tables; one owner policy, `USING` equal to
    /// `WITH CHECK`, on each user-owned table; none on the two operational ones.
    @Test func everyMigueTableHasRowLevelSecurityAndTheOwnersPolicy() throws {
        let connection = try MigratedDatabase.connect()
        let rows = try connection.query(
            """
            SELECT c.relname, c.relrowsecurity AS secured,
              (SELECT count(*) FROM pg_policies p WHERE p.schemaname = 'migue' AND p.tablename = c.relname) AS policies,
              (SELECT count(*) FROM pg_policies p WHERE p.schemaname = 'migue' AND p.tablename = c.relname
                AND p.policyname = c.relname || '_owner' AND p.cmd = 'ALL' AND p.qual = p.with_check) AS owner_policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'migue' AND c.relkind = 'r'
            ORDER BY c.relname
            """)
        let operational: Set<String> = ["ai_usage_tracking", "webhook_failures"]
        #expect(try Set(rows.map { try $0.decode("relname", as: String.self) }) == Set(Projector.tables))
        for row in rows {
            let table: String = try row.decode("relname")
            #expect(try row.decode("secured", as: Bool.self), "\(table)")
            let expected = operational.contains(table) ? 0 : 1
            #expect(try row.decode("policies", as: Int.self) == expected, "\(table)")
            #expect(try row.decode("owner_policies", as: Int.self) == expected, "\(table)")
        }
    }
}
