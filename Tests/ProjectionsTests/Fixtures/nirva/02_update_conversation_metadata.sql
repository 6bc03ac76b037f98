   UPDATE user_conversations 
   SET last_activity = NOW(), 
       total_messages = total_messages + 1,
       updated_at = NOW()
   WHERE user_id = $1;
   
