-- Companion, the companion bot with web and Telegram channels: seed 002.
-- The seed gives only an entity diagram and design notes; every column type, default, constraint and
-- name below that the diagram does not show is a decision recorded in Specs/companion-schema.md.
CREATE SCHEMA IF NOT EXISTS companion;
SET search_path TO companion, public;

-- Supabase's auth.users, which companion.users extends. On Supabase it exists and is left alone;
-- elsewhere this minimal stand-in (the columns companion needs) is created.
CREATE SCHEMA IF NOT EXISTS auth;
CREATE TABLE IF NOT EXISTS auth.users (
    id UUID PRIMARY KEY,
    email TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- users: the profile that extends auth.users (companion settings, Telegram link, subscription).
CREATE TABLE users (
    id UUID PRIMARY KEY,
    email TEXT,
    display_name TEXT,
    companion_name TEXT NOT NULL DEFAULT 'Companion',
    companion_personality TEXT,
    preferences JSONB NOT NULL DEFAULT '{}'::jsonb,
    telegram_chat_id BIGINT,
    telegram_username TEXT,
    telegram_linked_at TIMESTAMPTZ,
    subscription_tier TEXT NOT NULL DEFAULT 'free',
    subscription_expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT users_id_fkey FOREIGN KEY (id) REFERENCES auth.users (id) ON DELETE CASCADE,
    CONSTRAINT users_telegram_chat_id_key UNIQUE (telegram_chat_id),
    CONSTRAINT users_subscription_tier_check CHECK (subscription_tier IN ('free', 'premium')),
    CONSTRAINT users_preferences_check CHECK (jsonb_typeof(preferences) = 'object')
);

-- conversations: one per day or session and channel; initiated_by tells push from pull.
CREATE TABLE conversations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    channel TEXT NOT NULL,
    initiated_by TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at TIMESTAMPTZ,
    mood TEXT,
    topic_summary TEXT,
    CONSTRAINT conversations_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT conversations_channel_check CHECK (channel IN ('web', 'telegram', 'whatsapp')),
    CONSTRAINT conversations_initiated_by_check CHECK (initiated_by IN ('user', 'companion')),
    CONSTRAINT conversations_ended_after_start_check CHECK (ended_at IS NULL OR ended_at >= started_at)
);

CREATE INDEX idx_conversations_user_id ON conversations (user_id);
CREATE INDEX idx_conversations_started_at ON conversations (started_at DESC);

-- messages: one row per message; telegram_message_id links back to Telegram for edits and replies.
CREATE TABLE messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id UUID NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    telegram_message_id BIGINT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT messages_conversation_id_fkey
        FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
    CONSTRAINT messages_role_check CHECK (role IN ('user', 'assistant', 'system'))
);

CREATE INDEX idx_messages_conversation_id ON messages (conversation_id);
CREATE INDEX idx_messages_created_at ON messages (created_at DESC);

-- user_context: what the companion remembers, one value per (user, category, key).
CREATE TABLE user_context (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    category TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT user_context_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT user_context_user_id_category_key_key UNIQUE (user_id, category, key)
);

CREATE INDEX idx_user_context_user_id ON user_context (user_id);
CREATE INDEX idx_user_context_category ON user_context (category);

-- scheduled_messages: every push the companion plans, with its delivery status.
CREATE TABLE scheduled_messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    scheduled_for TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    message_type TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT 'telegram',
    content TEXT,
    sent_at TIMESTAMPTZ,
    error_message TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT scheduled_messages_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT scheduled_messages_status_check CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    CONSTRAINT scheduled_messages_channel_check CHECK (channel IN ('web', 'telegram', 'whatsapp')),
    CONSTRAINT scheduled_messages_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE INDEX idx_scheduled_messages_user_id ON scheduled_messages (user_id);
CREATE INDEX idx_scheduled_messages_status ON scheduled_messages (status);

-- onboarding: the temporary state of one user's onboarding.
CREATE TABLE onboarding (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    current_step TEXT NOT NULL,
    data JSONB NOT NULL DEFAULT '{}'::jsonb,
    completed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT onboarding_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT onboarding_user_id_key UNIQUE (user_id)
);

-- telegram_link_tokens: short-lived, one-time tokens that link a Telegram chat to a user.
CREATE TABLE telegram_link_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    token TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT telegram_link_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT telegram_link_tokens_token_key UNIQUE (token),
    CONSTRAINT telegram_link_tokens_used_before_expiry_check CHECK (used_at IS NULL OR used_at <= expires_at)
);

CREATE INDEX idx_telegram_link_tokens_user_id ON telegram_link_tokens (user_id);
