-- Companion: seed 002 names the channels and push/pull, but no subscription tiers, message roles or
-- scheduled-message statuses. 0001 checked invented lists of them (and tied sent_at to one status),
-- which would refuse a value the product uses; they go (Specs/companion-schema.md).
SET search_path TO companion, public;

ALTER TABLE users DROP CONSTRAINT users_subscription_tier_check;
ALTER TABLE messages DROP CONSTRAINT messages_role_check;
ALTER TABLE scheduled_messages DROP CONSTRAINT scheduled_messages_sent_at_check;
ALTER TABLE scheduled_messages DROP CONSTRAINT scheduled_messages_status_check;
