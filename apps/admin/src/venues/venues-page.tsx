import { trpc } from "@qrcoats/ui";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useLocation } from "wouter";
import { MorePages } from "../components/data-table";
import { money } from "../components/format";
import { Panel, QueryState } from "../components/panel";
import { PageTitle } from "../layout";
import { VenueForm } from "./venue-form";

export function VenuesPage() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const venues = useInfiniteQuery(
    trpc.venue.list.infiniteQueryOptions(
      { scope: "organization", limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const create = useMutation(
    trpc.venue.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.venue.list.pathKey() }) }),
  );
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>Venues</PageTitle>
      <Panel title="Your venues">
        <QueryState
          query={venues}
          what="venues"
          isEmpty={(data) => data.pages[0]!.items.length === 0}
          empty="No venues yet: add your first one below."
        >
          {(data) => (
            <ul className="divide-y divide-slate-200">
              {data.pages
                .flatMap((page) => page.items)
                .map((venue) => (
                  <li key={venue.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                    <Link href={`/venues/${venue.id}`} className="font-semibold text-indigo-700 underline-offset-4 hover:underline">
                      {venue.name}
                    </Link>
                    <span className="text-sm text-slate-700">
                      {venue.opensAt}–{venue.closesAt} · {venue.timezone} · {money(venue.priceCents, venue.currency)} per item
                    </span>
                  </li>
                ))}
            </ul>
          )}
        </QueryState>
        <MorePages query={venues} />
      </Panel>
      <Panel title="Add a venue">
        <VenueForm submitLabel="Add venue" onSubmit={async (settings) => navigate(`/venues/${(await create.mutateAsync(settings)).id}`)} />
      </Panel>
    </section>
  );
}
