SELECT id, role, content, timestamp, message_metadata
FROM conversation_messages
WHERE user_id = $1
ORDER BY timestamp DESC
LIMIT $2 OFFSET $3;
