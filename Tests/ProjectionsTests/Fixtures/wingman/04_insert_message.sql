INSERT INTO messages (conversation_id, sender_id, message_text, timestamp)
VALUES (
  'conversation-uuid',
  'user-uuid',
  'Hey! How are you?',
  EXTRACT(EPOCH FROM now()) * 1000
);
