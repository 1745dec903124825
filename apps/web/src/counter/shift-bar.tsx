import { Alert, Button, errorMessage, trpc } from "@qrcoats/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { clockTime } from "../format";
import type { CounterVenue, useCounterVenue } from "./use-counter-venue";

/** Which venue this counter serves, and the attendant's shift there. */
export function ShiftBar({ counter }: { counter: ReturnType<typeof useCounterVenue> }) {
  const { venue, workable, shift } = counter;
  const queryClient = useQueryClient();
  const [confirmOut, setConfirmOut] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.shift.current.queryKey() });
  const clockOut = useMutation(
    trpc.shift.clockOut.mutationOptions({
      onSuccess: () => {
        setConfirmOut(false);
        return refresh();
      },
    }),
  );
  const error = clockOut.error;

  return (
    <div className="flex flex-col gap-2 rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <VenueChoice venues={workable} venue={venue} locked={shift !== null} onChoose={counter.choose} />
        {shift ? (
          confirmOut ? (
            <div className="flex gap-2">
              <Button variant="ghost" onClick={() => setConfirmOut(false)}>
                Stay
              </Button>
              <Button variant="danger" busy={clockOut.isPending} onClick={() => clockOut.mutate()}>
                Clock out now
              </Button>
            </div>
          ) : (
            <div className="flex items-center gap-2">
              <span className="text-sm text-slate-700" data-testid="shift-status">
                <span className="font-semibold text-emerald-800">On shift</span> since {clockTime(shift.startedAt)}
              </span>
              <Button variant="secondary" onClick={() => setConfirmOut(true)}>
                Clock out
              </Button>
            </div>
          )
        ) : (
          // The counter below offers the clock-in, in one tap.
          venue && (
            <span className="text-sm font-semibold text-amber-900" data-testid="shift-status">
              Not clocked in
            </span>
          )
        )}
      </div>
      {error && <Alert tone="error">{errorMessage(error)}</Alert>}
    </div>
  );
}

function VenueChoice({
  venues,
  venue,
  locked,
  onChoose,
}: {
  venues: CounterVenue[];
  venue: CounterVenue | undefined;
  locked: boolean;
  onChoose: (id: string) => void;
}) {
  const id = useId();
  if (venues.length <= 1 || locked) {
    return <p className="text-lg font-bold text-slate-900">{venue?.name ?? "No venue"}</p>;
  }
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        Venue
      </label>
      <select
        id={id}
        value={venue?.id ?? ""}
        onChange={(event) => onChoose(event.target.value)}
        className="min-h-11 rounded-lg border border-slate-300 bg-white px-3 text-base font-semibold text-slate-900 focus:border-indigo-600 focus:ring-2 focus:ring-indigo-600/30 focus:outline-none"
      >
        {!venue && <option value="">Choose your venue</option>}
        {venues.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {candidate.name}
          </option>
        ))}
      </select>
    </div>
  );
}
