   INSERT INTO conversation_messages (user_id, role, content, response_time_ms, timestamp)
   VALUES ($1, 2, $2, $3, NOW());
   
