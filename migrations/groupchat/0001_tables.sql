-- Group chat, several AI models answering one prompt: seed 003. The statements are the seed's own SQL.
CREATE SCHEMA IF NOT EXISTS groupchat;
SET search_path TO groupchat, public;

-- 1. users
CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    username VARCHAR(50) UNIQUE NOT NULL,
    email VARCHAR(255) UNIQUE,
    display_name VARCHAR(100),
    avatar_url TEXT,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    is_active BOOLEAN DEFAULT true
);

-- 2. conversations
CREATE TABLE conversations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    title VARCHAR(255),
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    last_message_at TIMESTAMP WITH TIME ZONE,
    is_active BOOLEAN DEFAULT true,
    settings JSONB DEFAULT '{}'::jsonb -- Store conversation-specific settings
);

-- 3. ai_models
CREATE TABLE ai_models (
    id VARCHAR(100) PRIMARY KEY, -- e.g., "google/gemini-flash-1.5"
    name VARCHAR(100) NOT NULL, -- e.g., "Gemini"
    display_name VARCHAR(100),
    avatar VARCHAR(10), -- e.g., " G "
    provider VARCHAR(50), -- e.g., "google", "openai"
    is_active BOOLEAN DEFAULT true,
    capabilities JSONB DEFAULT '{}'::jsonb,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

-- 4. messages
CREATE TABLE messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id UUID REFERENCES conversations(id) ON DELETE CASCADE,
    sender_type VARCHAR(20) NOT NULL, -- 'user', 'ai', 'system'
    sender_id UUID REFERENCES users(id), -- NULL for AI/system messages
    ai_model_id VARCHAR(100) REFERENCES ai_models(id), -- NULL for user messages
    content TEXT NOT NULL,
    content_type VARCHAR(20) DEFAULT 'text', -- 'text', 'image', etc.
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    metadata JSONB DEFAULT '{}'::jsonb, -- Store additional data like token count, etc.
    parent_message_id UUID REFERENCES messages(id), -- For threading/replies
    is_first_responder BOOLEAN DEFAULT false
);

-- 5. conversation_participants
CREATE TABLE conversation_participants (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id UUID REFERENCES conversations(id) ON DELETE CASCADE,
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    joined_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    role VARCHAR(20) DEFAULT 'member', -- 'admin', 'member'
    is_active BOOLEAN DEFAULT true,
    UNIQUE(conversation_id, user_id)
);

-- 6. conversation_ai_models
CREATE TABLE conversation_ai_models (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id UUID REFERENCES conversations(id) ON DELETE CASCADE,
    ai_model_id VARCHAR(100) REFERENCES ai_models(id),
    is_active BOOLEAN DEFAULT true,
    added_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    settings JSONB DEFAULT '{}'::jsonb, -- Model-specific settings per conversation
    UNIQUE(conversation_id, ai_model_id)
);

-- Performance indexes
-- Message queries
CREATE INDEX idx_messages_conversation_created_at ON messages(conversation_id, created_at);
CREATE INDEX idx_messages_sender ON messages(sender_type, sender_id);

-- Conversation queries
CREATE INDEX idx_conversations_created_by ON conversations(created_by);
CREATE INDEX idx_conversations_last_message_at ON conversations(last_message_at DESC);

-- Participant queries
CREATE INDEX idx_participants_user_active ON conversation_participants(user_id, is_active);
CREATE INDEX idx_participants_conversation ON conversation_participants(conversation_id);
