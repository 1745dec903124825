import { ticketQrSvg } from "@qrcoats/api/client";
import { clsx } from "clsx";
import { useMemo } from "react";

/**
 * A ticket's QR code, drawn on this device from the address it encodes: no request, so it
 * shows at once and with no signal, and the code never travels to fetch its own picture.
 * Drawn as an image (a data: URL, which the CSP allows), so the markup never becomes part of
 * the page: it scales crisply to any size, and a long press saves it like any picture.
 */
export function QrImage({ url, label, className }: { url: string; label: string; className?: string }) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(ticketQrSvg(url))}`, [url]);
  return <img src={src} alt={label} draggable={false} className={clsx("aspect-square w-full bg-white", className)} />;
}
