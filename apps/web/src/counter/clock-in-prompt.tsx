import { Alert, errorMessage, trpc, trpcClient } from "@qrcoats/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { refreshNow } from "./offline/sync-engine";
import type { CounterVenue } from "./use-counter-venue";

/**
 * In place of the scan field while the attendant is off shift at the counter's venue: every
 * counter action counts on a shift, and the server refuses them without one. One tap clocks
 * in and makes the device ready (tonight's tickets, its slots and walk-in tickets).
 */
export function ClockInPrompt({ venue }: { venue: CounterVenue }) {
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: async () => {
      await trpcClient.shift.clockIn.mutate({ venueId: venue.id });
      await queryClient.invalidateQueries({ queryKey: trpc.shift.current.queryKey() });
      await refreshNow();
    },
  });
  return (
    <section
      aria-labelledby="clock-in-heading"
      data-testid="clock-in-prompt"
      className="flex flex-col gap-4 rounded-2xl border-l-8 border-amber-500 bg-amber-50 p-5 shadow-sm"
    >
      <h2 id="clock-in-heading" className="text-3xl leading-tight font-black text-amber-950">
        You're not clocked in at {venue.name}
      </h2>
      <p className="text-lg text-amber-950">Scans, check-ins and hand-backs count on your shift. Clock in to start the counter.</p>
      <button
        type="button"
        disabled={start.isPending}
        onClick={() => start.mutate()}
        className="flex min-h-24 w-full items-center justify-center rounded-2xl bg-indigo-700 px-5 text-2xl font-bold text-white shadow-md hover:bg-indigo-800 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-indigo-700 disabled:opacity-70"
      >
        {start.isPending ? "Clocking in…" : "Clock in and start"}
      </button>
      {start.error && <Alert tone="error">{errorMessage(start.error)}</Alert>}
    </section>
  );
}
