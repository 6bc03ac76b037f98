-- Migrate from chat_messages to conversation_messages
INSERT INTO conversation_messages (user_id, role, content, message_metadata, context_snapshot, timestamp, response_time_ms)
SELECT 
    user_id,
    CASE 
        WHEN role = 'system' THEN 0
        WHEN role = 'human' THEN 1 
        WHEN role = 'ai' THEN 2
        ELSE 1
    END as role,
    content,
    message_metadata,
    context_snapshot,
    timestamp,
    response_time_ms
FROM chat_messages
WHERE NOT EXISTS (
    SELECT 1 FROM conversation_messages cm 
    WHERE cm.user_id = chat_messages.user_id 
    AND cm.timestamp = chat_messages.timestamp
);

-- Initialize user_conversations from messages
INSERT INTO user_conversations (user_id, created_at, last_activity, total_messages)
SELECT 
    user_id,
    MIN(timestamp) as created_at,
    MAX(timestamp) as last_activity,
    COUNT(*) as total_messages
FROM conversation_messages
GROUP BY user_id
ON CONFLICT (user_id) DO UPDATE SET
    last_activity = EXCLUDED.last_activity,
    total_messages = EXCLUDED.total_messages;
