import { trpc } from "@qrcoats/ui";
import { useQuery } from "@tanstack/react-query";
import { SelectField } from "./fields";

/**
 * The organization's venues to filter or assign by. A hundred venues is the most the API
 * pages at once, and more than any one organization runs today.
 */
export function useVenues() {
  return useQuery(trpc.venue.list.queryOptions({ scope: "organization", limit: 100 }));
}

export function VenueSelect({
  value,
  onChange,
  label = "Venue",
  anyLabel = "All venues",
  error,
}: {
  value: string;
  onChange: (venueId: string) => void;
  label?: string;
  anyLabel?: string | null;
  error?: string;
}) {
  const venues = useVenues();
  return (
    <SelectField label={label} value={value} error={error} disabled={venues.isPending} onChange={(event) => onChange(event.target.value)}>
      {anyLabel !== null && <option value="">{anyLabel}</option>}
      {venues.data?.items.map((venue) => (
        <option key={venue.id} value={venue.id}>
          {venue.name}
        </option>
      ))}
    </SelectField>
  );
}
