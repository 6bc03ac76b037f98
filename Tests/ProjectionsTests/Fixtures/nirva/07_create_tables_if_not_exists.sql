-- Create user_conversations table
CREATE TABLE IF NOT EXISTS user_conversations (
    user_id UUID PRIMARY KEY,
    title VARCHAR,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    last_activity TIMESTAMP WITH TIME ZONE,
    total_messages INTEGER DEFAULT 0,
    personality_settings JSON,
    conversation_summary TEXT
);

-- Create conversation_messages table
CREATE TABLE IF NOT EXISTS conversation_messages (
    id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
    user_id UUID NOT NULL,
    role INTEGER NOT NULL,
    content TEXT NOT NULL,
    message_type INTEGER DEFAULT 0,
    message_metadata JSON,
    context_snapshot JSON,
    timestamp TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    response_time_ms INTEGER,
    FOREIGN KEY (user_id) REFERENCES user_conversations(user_id) ON DELETE CASCADE
);

-- Create conversation_context table
CREATE TABLE IF NOT EXISTS conversation_context (
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

-- Create indexes
CREATE INDEX IF NOT EXISTS idx_conversation_messages_user_id ON conversation_messages(user_id);
CREATE INDEX IF NOT EXISTS idx_conversation_messages_timestamp ON conversation_messages(timestamp);
CREATE INDEX IF NOT EXISTS idx_conversation_messages_role ON conversation_messages(role);
CREATE INDEX IF NOT EXISTS idx_conversation_messages_content_gin ON conversation_messages USING gin(to_tsvector('english', content));
CREATE INDEX IF NOT EXISTS idx_user_conversations_last_activity ON user_conversations(last_activity);
CREATE INDEX IF NOT EXISTS idx_conversation_context_user_id ON conversation_context(user_id);
