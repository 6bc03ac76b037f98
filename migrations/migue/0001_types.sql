-- migue.ai, the WhatsApp assistant: seed 004. Extensions, enums and the e164 domain.
-- The extensions live in schema public, which every product puts on its search path after its own.
CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- The seed lists pgcrypto, but nothing here needs it: gen_random_uuid() is built into PostgreSQL 13+.
-- It is created where the server offers it (stock builds) and skipped where it does not (embedded 18).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgcrypto') THEN
        CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
    END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS migue;
SET search_path TO migue, public;

-- Message types (WhatsApp v23.0)
CREATE TYPE msg_type AS ENUM (
  'text', 'image', 'audio', 'sticker', 'video', 'document',
  'location', 'interactive', 'button', 'reaction', 'order',
  'contacts', 'system', 'unknown'
);

-- Message direction
CREATE TYPE msg_direction AS ENUM ('inbound', 'outbound');

-- Conversation status
CREATE TYPE conv_status AS ENUM ('active', 'archived', 'closed');

-- Reminder status
CREATE TYPE reminder_status AS ENUM ('pending', 'sent', 'cancelled', 'failed');

-- Flow status
CREATE TYPE flow_status AS ENUM ('pending', 'in_progress', 'completed', 'expired', 'failed');

-- E.164 phone number format
CREATE DOMAIN e164 AS TEXT CHECK (value ~ '^[+][1-9][0-9]{7,14}$');
