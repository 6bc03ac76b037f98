-- migue.ai: the reminder state machine of seed 004, enforced by a trigger.
--   pending -> sent | cancelled | failed
--   failed  -> pending (retry) | cancelled
--   cancelled -> pending (reschedule)
-- Every other change of status is rejected with SQLSTATE 23514 (check_violation) and the constraint
-- name chk_reminder_status_transition. An UPDATE that leaves the status as it was is not a transition.
SET search_path TO migue, public;

CREATE FUNCTION reminder_status_transition_allowed(from_status reminder_status, to_status reminder_status)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
SET search_path = migue, pg_catalog
AS $$
  SELECT (from_status, to_status) IN (
    ('pending'::reminder_status, 'sent'::reminder_status),
    ('pending', 'cancelled'),
    ('pending', 'failed'),
    ('failed', 'pending'),
    ('failed', 'cancelled'),
    ('cancelled', 'pending')
  )
$$;

CREATE FUNCTION enforce_reminder_status_transition()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = migue, pg_catalog
AS $$
BEGIN
  IF NOT reminder_status_transition_allowed(OLD.status, NEW.status) THEN
    RAISE EXCEPTION 'reminder % cannot move from % to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation',
            CONSTRAINT = 'chk_reminder_status_transition',
            SCHEMA = TG_TABLE_SCHEMA,
            TABLE = TG_TABLE_NAME,
            COLUMN = 'status',
            HINT = 'allowed: pending->sent, pending->cancelled, pending->failed, failed->pending, failed->cancelled, cancelled->pending';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER trg_reminders_status_transition
  BEFORE UPDATE ON reminders
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION enforce_reminder_status_transition();
