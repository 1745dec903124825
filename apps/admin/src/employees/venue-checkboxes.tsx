import type { FieldValues, Path, UseFormRegister } from "react-hook-form";
import { useVenues } from "../components/venue-select";

/** Which venues someone works at: one checkbox per venue of the organization. */
export function VenueCheckboxes<T extends FieldValues>({
  register,
  name,
  error,
}: {
  register: UseFormRegister<T>;
  name: Path<T>;
  error?: string;
}) {
  const venues = useVenues();
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="text-sm font-medium text-slate-800">Works at</legend>
      {venues.isPending ? (
        <p role="status" className="text-sm text-slate-700">
          Loading venues…
        </p>
      ) : venues.data?.items.length === 0 ? (
        <p className="text-sm text-slate-700">No venues yet.</p>
      ) : (
        <div className="flex flex-wrap gap-x-4 gap-y-2">
          {venues.data?.items.map((venue) => (
            <label key={venue.id} className="flex min-h-9 items-center gap-2 text-slate-900">
              <input type="checkbox" value={venue.id} className="size-4" {...register(name)} />
              {venue.name}
            </label>
          ))}
        </div>
      )}
      {error && <p className="text-sm text-red-700">{error}</p>}
    </fieldset>
  );
}
