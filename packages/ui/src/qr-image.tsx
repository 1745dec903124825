import { clsx } from "clsx";

/**
 * A ticket's QR code from the server's SVG markup. Drawn as an image (a data: URL, which the
 * CSP allows), so the markup never becomes part of the page: it scales crisply to any size,
 * and a long press saves it like any picture.
 */
export function QrImage({ svg, label, className }: { svg: string; label: string; className?: string }) {
  return (
    <img
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      alt={label}
      draggable={false}
      className={clsx("aspect-square w-full bg-white", className)}
    />
  );
}
