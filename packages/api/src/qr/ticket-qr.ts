import QRCode from "qrcode";

// What a ticket's QR says, and how it is drawn: browser-safe (only `qrcode`), so the API and
// the apps draw the same image from the same code (the typed client exports it).

/** The address a ticket's QR encodes: its page, which a phone camera opens. */
export function ticketUrl(publicUrl: string, code: string): string {
  return `${publicUrl}/t/${code}`;
}

// Level Q restores a quarter of the symbol: phones in dim light, cracked screens and a
// thumb over the corner still scan, while the code stays coarse enough for small screens.
export const QR_OPTIONS = { errorCorrectionLevel: "Q", margin: 4 } as const;

/**
 * A ticket's QR code as SVG markup, drawn where it is called: on the server for the API's
 * answers, and on the phone by the web app, which has the code in its address already and
 * so needs no request (and no signal) to show it. Same library, same options, same markup.
 * Synchronous: `qrcode` calls back before returning, in Node and in browsers alike.
 */
export function ticketQrSvg(url: string): string {
  let svg: string | undefined;
  QRCode.toString(url, { ...QR_OPTIONS, type: "svg" }, (error, markup) => {
    if (error) throw error;
    svg = markup;
  });
  if (svg === undefined) throw new Error("qrcode no longer draws synchronously");
  return svg;
}

/** The same QR as a 600 px PNG data: URL, for saving or printing (a canvas in browsers). */
export function ticketQrPng(url: string): Promise<string> {
  return QRCode.toDataURL(url, { ...QR_OPTIONS, type: "image/png", width: 600 });
}
