-- Nirva Enhanced Chat v2: seed 001. Table and index statements are the seed's own SQL, in its order.
-- Every index of the per-table "Indexes" sections and of the "Migration Scripts" section is here once.
CREATE SCHEMA IF NOT EXISTS nirva;
SET search_path TO nirva, public;

-- 1. user_conversations: one persistent conversation per user.
CREATE TABLE user_conversations (
    user_id UUID PRIMARY KEY,
    title VARCHAR,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    last_activity TIMESTAMP WITH TIME ZONE,
    total_messages INTEGER DEFAULT 0,
    personality_settings JSON,
    conversation_summary TEXT
);

CREATE INDEX idx_user_conversations_user_id ON user_conversations(user_id);
CREATE INDEX idx_user_conversations_last_activity ON user_conversations(last_activity);

-- 2. conversation_messages: role 0 = system, 1 = human, 2 = ai; message_type 0 = text.
CREATE TABLE conversation_messages (
    id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
    user_id UUID NOT NULL,
    role INTEGER NOT NULL, -- 0=system, 1=human, 2=ai
    content TEXT NOT NULL,
    message_type INTEGER DEFAULT 0, -- 0=text
    message_metadata JSON,
    context_snapshot JSON, -- Mental state + events at message time
    timestamp TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    response_time_ms INTEGER,

    FOREIGN KEY (user_id) REFERENCES user_conversations(user_id) ON DELETE CASCADE
);

CREATE INDEX idx_conversation_messages_user_id ON conversation_messages(user_id);
CREATE INDEX idx_conversation_messages_timestamp ON conversation_messages(timestamp);
CREATE INDEX idx_conversation_messages_role ON conversation_messages(role);
CREATE INDEX idx_conversation_messages_content_gin ON conversation_messages USING gin(to_tsvector('english', content));

-- 3. conversation_context: what the assistant has learned about the user.
CREATE TABLE conversation_context (
    user_id UUID PRIMARY KEY,
    facts JSON,
    personality_insights JSON,
    communication_style JSON,
    context_themes JSON,
    mental_state_summary TEXT,
    recent_events_summary TEXT,
    conversation_memory JSON,
    personality_state JSON,
    last_updated TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,

    FOREIGN KEY (user_id) REFERENCES user_conversations(user_id) ON DELETE CASCADE
);

CREATE INDEX idx_conversation_context_user_id ON conversation_context(user_id);
CREATE INDEX idx_conversation_context_last_updated ON conversation_context(last_updated);

-- 4. chat_messages (legacy, deprecated): kept for backward compatibility and the seed's data migration.
CREATE TABLE chat_messages (
    id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
    user_id UUID NOT NULL,
    role VARCHAR NOT NULL,
    content TEXT NOT NULL,
    message_type VARCHAR DEFAULT 'TEXT',
    attachments JSON DEFAULT '[]',
    message_metadata JSON,
    context_snapshot JSON,
    response_time_ms INTEGER,
    timestamp TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
