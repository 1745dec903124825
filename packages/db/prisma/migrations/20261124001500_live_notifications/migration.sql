-- Live updates: every scan event and every change of a ticket's state announces itself with
-- NOTIFY, which PostgreSQL delivers only when the transaction commits, to every listening
-- host (PGlite does the same in-process). Triggers, so that no writer can forget to.
-- Payloads carry ids only; listeners read what their subscriber may see.

CREATE FUNCTION "qr"."notify_scan_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('qrcoats_scan_events', json_build_object(
    'id', NEW.id::text,
    'organizationId', NEW.organization_id,
    'venueId', NEW.venue_id,
    'ticketId', NEW.ticket_id
  )::text);
  RETURN NEW;
END
$$;

CREATE TRIGGER "scan_events_notify" AFTER INSERT ON "qr"."scan_events"
  FOR EACH ROW EXECUTE FUNCTION "qr"."notify_scan_event"();

CREATE FUNCTION "qr"."notify_ticket_state"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('qrcoats_tickets', json_build_object(
    'ticketId', NEW.id,
    'organizationId', NEW.organization_id,
    'venueId', NEW.venue_id,
    'state', NEW.state,
    'slotId', NEW.slot_id
  )::text);
  RETURN NEW;
END
$$;

CREATE TRIGGER "tickets_notify_state" AFTER UPDATE OF "state", "slot_id" ON "qr"."tickets"
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.slot_id IS DISTINCT FROM NEW.slot_id)
  EXECUTE FUNCTION "qr"."notify_ticket_state"();
