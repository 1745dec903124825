-- A ticket's notice carries the moment of its change, so that a page following the ticket
-- can show each state as it was, in order, without reading the row again.
CREATE OR REPLACE FUNCTION "qr"."notify_ticket_state"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('qrcoats_tickets', json_build_object(
    'ticketId', NEW.id,
    'organizationId', NEW.organization_id,
    'venueId', NEW.venue_id,
    'state', NEW.state,
    'slotId', NEW.slot_id,
    'updatedAt', NEW.updated_at
  )::text);
  RETURN NEW;
END
$$;
