-- Seed 004 shows this insert only as a supabase-js call (PostgREST turns it into this statement):
--   await supabase.from('messages_v2').insert({ conversation_id: 'uuid', direction: 'inbound',
--     type: 'text', content: 'Hello', timestamp: new Date().toISOString() })
INSERT INTO messages_v2 (conversation_id, direction, type, content, timestamp)
VALUES ($1, 'inbound', 'text', 'Hello', $2);
