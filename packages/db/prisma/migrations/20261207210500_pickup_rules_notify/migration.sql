-- A venue's closing-rush settings reach the pages that follow its queue (the guest's ticket
-- page, the counter, the board) as they change, not at their next reload: a change of them
-- announces itself on the pickup channel, with no request or ticket.
CREATE FUNCTION "qr"."notify_pickup_rules"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('qrcoats_pickups', json_build_object(
    'id', NULL,
    'organizationId', NEW.organization_id,
    'venueId', NEW.id,
    'ticketId', NULL,
    'state', 'RULES'
  )::text);
  RETURN NEW;
END
$$;

CREATE TRIGGER "venues_notify_pickup_rules"
  AFTER UPDATE OF "pickup_enabled", "pickup_queue_cap", "pickup_hold_minutes", "pickup_uncollected" ON "qr"."venues"
  FOR EACH ROW
  WHEN (OLD.pickup_enabled IS DISTINCT FROM NEW.pickup_enabled OR OLD.pickup_queue_cap IS DISTINCT FROM NEW.pickup_queue_cap
        OR OLD.pickup_hold_minutes IS DISTINCT FROM NEW.pickup_hold_minutes OR OLD.pickup_uncollected IS DISTINCT FROM NEW.pickup_uncollected)
  EXECUTE FUNCTION "qr"."notify_pickup_rules"();
