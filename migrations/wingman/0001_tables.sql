-- Wingman, the dating-chat helper: seed 000, translated line by line from its prose.
-- Constraint names the seed does not give are PostgreSQL's own defaults, written out so they are stable.
CREATE SCHEMA IF NOT EXISTS wingman;
SET search_path TO wingman, public;

-- 1. users: bot owners and matches in one table.
CREATE TABLE users (
    id UUID DEFAULT gen_random_uuid(),
    platform_id TEXT NOT NULL,
    user_type TEXT NOT NULL,
    display_name TEXT NOT NULL,
    profile_data JSONB DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ DEFAULT now(),
    updated_at TIMESTAMPTZ DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_platform_id_key UNIQUE (platform_id),
    CONSTRAINT users_user_type_check CHECK (user_type IN ('bot_owner', 'match'))
);

-- The seed lists both the UNIQUE constraint and this unique index; both are kept (Specs/wingman-schema.md).
CREATE UNIQUE INDEX idx_users_platform_id ON users (platform_id);
CREATE INDEX idx_users_type ON users (user_type);
CREATE INDEX idx_users_profile_data_gin ON users USING gin (profile_data);
CREATE INDEX idx_users_age ON users ((profile_data->>'age')) WHERE user_type = 'match';
CREATE INDEX idx_users_interests ON users USING gin ((profile_data->'interests')) WHERE user_type = 'match';

-- 2. conversations: one bot owner and (once identified) one match.
CREATE TABLE conversations (
    id UUID DEFAULT gen_random_uuid(),
    bot_user_id UUID NOT NULL,
    match_user_id UUID,
    room_path TEXT NOT NULL,
    conversation_status TEXT DEFAULT 'pending',
    metadata JSONB DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ DEFAULT now(),
    updated_at TIMESTAMPTZ DEFAULT now(),
    CONSTRAINT conversations_pkey PRIMARY KEY (id),
    CONSTRAINT conversations_bot_user_id_room_path_key UNIQUE (bot_user_id, room_path),
    CONSTRAINT conversations_bot_user_id_fkey FOREIGN KEY (bot_user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT conversations_match_user_id_fkey FOREIGN KEY (match_user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT conversations_conversation_status_check
        CHECK (conversation_status IN ('pending', 'active', 'paused', 'archived'))
);

CREATE INDEX idx_conversations_bot_match ON conversations (bot_user_id, match_user_id);
CREATE INDEX idx_conversations_metadata_gin ON conversations USING gin (metadata);
CREATE UNIQUE INDEX idx_conversations_bot_match_active
    ON conversations (bot_user_id, match_user_id) WHERE match_user_id IS NOT NULL;

-- 3. messages: one row per message; "timestamp" is Unix milliseconds.
CREATE TABLE messages (
    id UUID DEFAULT gen_random_uuid(),
    conversation_id UUID NOT NULL,
    sender_id UUID NOT NULL,
    message_text TEXT NOT NULL,
    message_type TEXT DEFAULT 'user',
    sentiment TEXT,
    timestamp BIGINT NOT NULL,
    created_at TIMESTAMPTZ DEFAULT now(),
    CONSTRAINT messages_pkey PRIMARY KEY (id),
    CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
    CONSTRAINT messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT messages_message_type_check CHECK (message_type IN ('user', 'bot_suggestion', 'sent')),
    CONSTRAINT messages_sentiment_check
        CHECK (sentiment IN ('positive', 'neutral', 'flirty', 'serious', 'confused') OR sentiment IS NULL)
);

CREATE INDEX idx_messages_conversation_time ON messages (conversation_id, timestamp DESC);
CREATE INDEX idx_messages_sender ON messages (sender_id);
CREATE INDEX idx_messages_sentiment ON messages (conversation_id, sentiment) WHERE sentiment IS NOT NULL;

-- 4. bot_suggestions: Wingman's analysis and suggestions for a conversation.
CREATE TABLE bot_suggestions (
    id UUID DEFAULT gen_random_uuid(),
    conversation_id UUID NOT NULL,
    prompt_context JSONB NOT NULL,
    analysis JSONB,
    suggestions JSONB NOT NULL,
    wingman_tip TEXT,
    user_selected_index INTEGER,
    model_used TEXT DEFAULT 'gemini-2.5-flash',
    response_time_ms INTEGER,
    cached_tokens INTEGER,
    created_at TIMESTAMPTZ DEFAULT now(),
    CONSTRAINT bot_suggestions_pkey PRIMARY KEY (id),
    CONSTRAINT bot_suggestions_conversation_id_fkey
        FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE
);

CREATE INDEX idx_bot_suggestions_conversation ON bot_suggestions (conversation_id, created_at DESC);
