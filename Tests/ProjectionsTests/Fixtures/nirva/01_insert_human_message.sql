   INSERT INTO conversation_messages (user_id, role, content, context_snapshot, timestamp)
   VALUES ($1, 1, $2, $3, NOW());
   
