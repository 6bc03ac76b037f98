SELECT 
    total_messages,
    created_at,
    last_activity,
    (SELECT COUNT(*) FROM conversation_messages WHERE user_id = $1 AND role = 1) as human_messages,
    (SELECT COUNT(*) FROM conversation_messages WHERE user_id = $1 AND role = 2) as ai_messages
FROM user_conversations 
WHERE user_id = $1;
