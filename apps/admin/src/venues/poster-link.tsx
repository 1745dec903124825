import { Alert, Button, errorMessage, trpc } from "@qrcoats/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { Panel, QueryState } from "../components/panel";

type Confirming = "replace" | "remove" | null;

/**
 * The venue's poster link (docs/guests.md): a poster by the cloakroom whose QR gives guests
 * a ticket in one tap, with no app and no account. Replacing the link retires every poster
 * printed with the old one, for a poster that was copied where it should not be.
 */
export function PosterLinkPanel({ venueId }: { venueId: string }) {
  const queryClient = useQueryClient();
  const link = useQuery(trpc.venue.guestLink.queryOptions({ venueId }));
  const [confirming, setConfirming] = useState<Confirming>(null);
  const settle = {
    onSuccess: (answer: { url: string | null }) => {
      queryClient.setQueryData(trpc.venue.guestLink.queryKey({ venueId }), answer);
      setConfirming(null);
    },
  };
  const renew = useMutation(trpc.venue.renewGuestLink.mutationOptions(settle));
  const remove = useMutation(trpc.venue.removeGuestLink.mutationOptions(settle));
  const failed = renew.error ?? remove.error;
  return (
    <Panel
      title="Poster link"
      actions={
        link.data?.url && (
          <Link
            href={`/venues/${venueId}/poster`}
            className="rounded-lg px-3 py-2 text-sm font-semibold text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50"
          >
            Print poster
          </Link>
        )
      }
    >
      <p className="text-sm text-slate-700">
        Guests scan the poster by the cloakroom and get a ticket in one tap: no app, no account. Each phone holds at most 5 unused tickets
        here.
      </p>
      <QueryState query={link} what="the poster link">
        {({ url }) =>
          url ? (
            <div className="flex flex-col gap-3">
              <p className="text-sm text-slate-700">
                Link:{" "}
                <a href={url} className="font-mono break-all text-indigo-700 underline-offset-4 hover:underline" data-testid="poster-link">
                  {url}
                </a>
              </p>
              {confirming === null && (
                <div className="flex flex-wrap gap-2">
                  <Button variant="secondary" size="sm" onClick={() => setConfirming("replace")}>
                    Replace link…
                  </Button>
                  <Button variant="ghost" size="sm" onClick={() => setConfirming("remove")}>
                    Remove…
                  </Button>
                </div>
              )}
              {confirming && (
                <div
                  role="group"
                  aria-label={confirming === "replace" ? "Replace the poster link" : "Remove the poster link"}
                  className="flex flex-col gap-2 rounded-lg border border-red-200 bg-red-50 p-3"
                >
                  <p className="text-sm text-red-900">
                    {confirming === "replace"
                      ? "Replace the link? Posters with the old link stop giving tickets at once: print the new poster and put it up."
                      : "Remove the link? Posters stop giving tickets at once; guests get tickets at the counter."}
                  </p>
                  <div className="flex flex-wrap gap-2">
                    <Button
                      variant="danger"
                      size="sm"
                      busy={renew.isPending || remove.isPending}
                      onClick={() => (confirming === "replace" ? renew.mutate({ venueId }) : remove.mutate({ venueId }))}
                    >
                      {confirming === "replace" ? "Replace the link" : "Remove the link"}
                    </Button>
                    <Button variant="secondary" size="sm" onClick={() => setConfirming(null)}>
                      Keep it
                    </Button>
                  </div>
                </div>
              )}
            </div>
          ) : (
            <div className="flex flex-col items-start gap-3">
              <p className="text-sm text-slate-700">No poster link yet: guests get tickets at the counter or with an account.</p>
              <Button busy={renew.isPending} onClick={() => renew.mutate({ venueId })}>
                Make a poster link
              </Button>
            </div>
          )
        }
      </QueryState>
      {failed && <Alert tone="error">{errorMessage(failed)}</Alert>}
    </Panel>
  );
}
