import { Button, QrImage, trpc } from "@qrcoats/ui";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "wouter";
import { money } from "../components/format";
import { QueryState } from "../components/panel";

/**
 * The poster for the cloakroom, on one A4 page: the venue, a QR of its poster link big
 * enough to scan from a step away, and what a ticket costs. The QR is drawn here from the
 * link (the qrcode package, as tickets are). The app's header and buttons do not print.
 */
export function PosterPage() {
  const { venueId } = useParams<{ venueId: string }>();
  const link = useQuery(trpc.venue.guestLink.queryOptions({ venueId }));
  const linkId = link.data?.url?.slice(link.data.url.lastIndexOf("/") + 1);
  const venue = useQuery({ ...trpc.venue.byGuestLink.queryOptions({ link: linkId ?? "" }), enabled: linkId !== undefined });
  return (
    <section className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2 print:hidden">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">Poster{venue.data ? ` · ${venue.data.name}` : ""}</h1>
        <div className="flex gap-2">
          <Link
            href={`/venues/${venueId}`}
            className="inline-flex min-h-11 items-center rounded-lg px-4 font-semibold text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Back to the venue
          </Link>
          <Button onClick={() => window.print()} disabled={!venue.data}>
            Print
          </Button>
        </div>
      </div>
      <QueryState
        query={link}
        what="the poster link"
        isEmpty={(data) => data.url === null}
        empty="This venue has no poster link: make one on the venue's page first."
      >
        {({ url }) => (
          <QueryState query={venue} what="the venue">
            {(data) => (
              <article
                className="poster-sheet mx-auto flex w-full max-w-2xl flex-col items-center gap-6 rounded-xl bg-white p-8 text-center ring-1 ring-slate-200 print:max-w-none print:rounded-none print:p-0 print:ring-0"
                aria-label="Poster"
              >
                <p className="text-xl font-semibold tracking-wide text-slate-700 uppercase">Coat check</p>
                <h2 className="text-5xl font-black text-slate-950">{data.name}</h2>
                <QrImage url={url!} label={`QR code of ${data.name}'s poster link`} className="poster-qr max-w-md" />
                <p className="text-3xl font-bold text-slate-950">Scan for your coat ticket — no app, no account</p>
                <p className="text-2xl text-slate-800">
                  {data.priceCents > 0 ? `${money(data.priceCents, data.currency)} per item` : "Free coat check"}
                  {data.priceCents > 0 && (
                    <span className="block text-xl text-slate-700">
                      {data.paymentTiming === "CHECK_IN" ? "Pay when you hand in your coat" : "Pay when you collect your coat"}
                    </span>
                  )}
                </p>
                <p className="font-mono text-sm break-all text-slate-600">{url}</p>
              </article>
            )}
          </QueryState>
        )}
      </QueryState>
    </section>
  );
}
