SELECT id, role, content, timestamp, ts_rank(
    to_tsvector('english', content), 
    plainto_tsquery('english', $2)
) AS rank
FROM conversation_messages
WHERE user_id = $1 
AND to_tsvector('english', content) @@ plainto_tsquery('english', $2)
ORDER BY rank DESC, timestamp DESC
LIMIT $3;
