import { QrImage } from "@qrcoats/ui";
import { useEffect, useRef } from "react";
import { createPortal } from "react-dom";
import { money } from "../format";
import type { PaperWidth } from "./device-settings";
import "./print-ticket.css";

export type PaperTicket = { number: number; code: string; url: string; issuedAt: Date };
export type PaperVenue = { name: string; timezone: string; priceCents: number; currency: string };

/**
 * The walk-in ticket as the receipt printer prints it, through the browser's own print
 * dialog, so any printer the device knows will do and nothing is installed. Everything on it
 * is on the device already (the pool ticket carries its code and address; the QR is drawn
 * here), so it prints with no network. Mounted straight under <body>: the print stylesheet
 * hides every other child of the body, so nothing of the screen reaches the paper.
 */
export function PrintTicket({ ticket, venue, paperWidth }: { ticket: PaperTicket; venue: PaperVenue; paperWidth: PaperWidth }) {
  const roll = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = roll.current;
    if (!element) return;
    const fit = () => fitPageTo(element, paperWidth);
    fit();
    const watcher = new ResizeObserver(fit);
    watcher.observe(element);
    window.addEventListener("beforeprint", fit);
    return () => {
      watcher.disconnect();
      window.removeEventListener("beforeprint", fit);
      removePageSize();
    };
  }, [paperWidth]);

  return createPortal(
    <div ref={roll} className="print-roll" data-paper={paperWidth} data-testid="print-ticket" aria-hidden>
      <p className="venue">{venue.name}</p>
      <p className="when">{venueTime(ticket.issuedAt, venue.timezone)}</p>
      <p className="number-label">Ticket</p>
      <p className="number">{ticket.number}</p>
      <QrImage url={ticket.url} label={`QR code of ticket ${ticket.number}`} className="qr" />
      <p className="code-label">Code</p>
      <p className="code">{typedCode(ticket.code)}</p>
      <div className="terms">
        <p>Keep this ticket. Show it to collect your coat.</p>
        {venue.priceCents > 0 && <p>Coat check: {money(venue.priceCents, venue.currency)}</p>}
        <p>Lost it? Tell the staff your ticket number.</p>
      </div>
    </div>,
    document.body,
  );
}

/**
 * Opens the print dialog for the ticket on screen, once its QR is drawn: a picture still
 * decoding when the dialog takes its snapshot would print as a blank square.
 */
export async function printTicket() {
  const qr = document.querySelector<HTMLImageElement>(".print-roll img");
  await qr?.decode().catch(() => {});
  const roll = document.querySelector<HTMLElement>(".print-roll");
  if (roll) fitPageTo(roll, roll.dataset.paper === "58" ? "58" : "80");
  window.print();
}

/** A ticket's code as a person copies it: upper case (base32 reads the same), in fours. */
export function typedCode(code: string): string {
  return (code.toUpperCase().match(/.{1,4}/g) ?? []).join(" ");
}

/** "Mon 7 Dec 2026, 23:40": when it was issued, on the venue's clock whatever the device's zone. */
function venueTime(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
}

// The page is the ticket: as wide as the roll and as long as what is on it, so the printer
// feeds (and cuts) one ticket's length. CSS has no "as long as the content" page size, so the
// roll's height is measured and written into an @page rule. A constructed stylesheet, not a
// <style> element: the host's Content-Security-Policy allows only its own style files.
let pageSize: CSSStyleSheet | null = null;

function fitPageTo(roll: HTMLElement, paperWidth: PaperWidth) {
  const heightMm = Math.ceil((roll.getBoundingClientRect().height * 25.4) / 96) + 1;
  pageSize ??= new CSSStyleSheet();
  pageSize.replaceSync(`@page { size: ${paperWidth}mm ${heightMm}mm; margin: 0; }`);
  if (!document.adoptedStyleSheets.includes(pageSize)) document.adoptedStyleSheets = [...document.adoptedStyleSheets, pageSize];
}

function removePageSize() {
  document.adoptedStyleSheets = document.adoptedStyleSheets.filter((sheet) => sheet !== pageSize);
}
