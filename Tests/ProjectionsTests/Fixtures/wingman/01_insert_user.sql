INSERT INTO users (platform_id, user_type, display_name, profile_data)
VALUES (
  'user-123',
  'bot_owner',
  'John Doe',
  '{"age": 28, "interests": ["tech", "movies"]}'::jsonb
);
