-- Companion: row-level security on every table, with the policies seed 002 lists and the same
-- ownership rule for the tables it leaves implicit ("Users can only access their own data").
-- The table owner (the projector) is not subject to these policies.
SET search_path TO companion, public;

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

-- Direct ownership (listed in the seed).
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_owner ON users USING (auth.uid() = id) WITH CHECK (auth.uid() = id);

ALTER TABLE onboarding ENABLE ROW LEVEL SECURITY;
CREATE POLICY onboarding_owner ON onboarding USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE user_context ENABLE ROW LEVEL SECURITY;
CREATE POLICY user_context_owner ON user_context USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

-- Direct ownership (derived: these tables carry user_id as well).
ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
CREATE POLICY conversations_owner ON conversations
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE scheduled_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY scheduled_messages_owner ON scheduled_messages
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE telegram_link_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY telegram_link_tokens_owner ON telegram_link_tokens
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

-- Indirect ownership (listed in the seed).
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY messages_owner ON messages
  USING (conversation_id IN (SELECT id FROM conversations WHERE user_id = auth.uid()))
  WITH CHECK (conversation_id IN (SELECT id FROM conversations WHERE user_id = auth.uid()));
