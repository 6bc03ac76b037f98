-- Initial conversation (pending, no match yet)
INSERT INTO conversations (bot_user_id, room_path, conversation_status)
VALUES (
  'user-uuid',
  '/room/123',
  'pending'
);
