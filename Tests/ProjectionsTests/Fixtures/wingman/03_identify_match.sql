-- Update when match is identified
UPDATE conversations
SET match_user_id = 'girl-uuid',
    conversation_status = 'active',
    updated_at = now()
WHERE id = 'conversation-uuid';
