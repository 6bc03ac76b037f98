-- migue.ai: row-level security on the user-owned tables (decided in Specs/migue-schema.md).
-- A role without BYPASSRLS that does not own the tables sees and writes only the rows of the user
-- named by auth.uid(); the table owner (the projector) is not subject to these policies.
SET search_path TO migue, public;

-- auth.uid() as Supabase defines it: the JWT subject from request.jwt.claim.sub, else from the
-- request.jwt.claims JSON. Created only when absent, so Supabase's own definition is left alone.
CREATE SCHEMA IF NOT EXISTS auth;
GRANT USAGE ON SCHEMA auth TO PUBLIC;
DO $do$
BEGIN
    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid
        LANGUAGE sql STABLE
        AS $fn$
          SELECT coalesce(
            nullif(current_setting('request.jwt.claim.sub', true), ''),
            (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
          )::uuid
        $fn$;
    END IF;
END
$do$;

-- Direct ownership.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_owner ON users USING (auth.uid() = id) WITH CHECK (auth.uid() = id);

ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
CREATE POLICY conversations_owner ON conversations
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE reminders ENABLE ROW LEVEL SECURITY;
CREATE POLICY reminders_owner ON reminders USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE messaging_windows ENABLE ROW LEVEL SECURITY;
CREATE POLICY messaging_windows_owner ON messaging_windows
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE flow_sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY flow_sessions_owner ON flow_sessions
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE call_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY call_logs_owner ON call_logs USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE user_interactions ENABLE ROW LEVEL SECURITY;
CREATE POLICY user_interactions_owner ON user_interactions
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE user_locations ENABLE ROW LEVEL SECURITY;
CREATE POLICY user_locations_owner ON user_locations
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE user_memory ENABLE ROW LEVEL SECURITY;
CREATE POLICY user_memory_owner ON user_memory USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE scheduled_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY scheduled_messages_owner ON scheduled_messages
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

-- Indirect ownership, through the conversation.
ALTER TABLE messages_v2 ENABLE ROW LEVEL SECURITY;
CREATE POLICY messages_v2_owner ON messages_v2
  USING (conversation_id IN (SELECT id FROM conversations WHERE user_id = auth.uid()))
  WITH CHECK (conversation_id IN (SELECT id FROM conversations WHERE user_id = auth.uid()));

-- Operational tables: RLS on and no policy, so only the owner (the service) reads or writes them.
ALTER TABLE ai_usage_tracking ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_failures ENABLE ROW LEVEL SECURITY;
