INSERT INTO bot_suggestions (
  conversation_id,
  prompt_context,
  analysis,
  suggestions,
  wingman_tip,
  response_time_ms,
  cached_tokens
)
VALUES (
  'conversation-uuid',
  '{"user_profile": {...}, "girl_profile": {...}}'::jsonb,
  '{"her_last_message_feeling": "curious", ...}'::jsonb,
  '[{"type": "Playful/Humorous", "text": "...", ...}]'::jsonb,
  'Try to ask open-ended questions',
  1234,
  500
);
