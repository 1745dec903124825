import { describe, expect, it } from "vitest";
import { generateKeys } from "../config";
import { candidateCode, codeFor, generatePublicId, renderPngDataUrl, renderSvg, ticketUrl, verifyCode } from "./codes";

const { ticketSigning } = generateKeys();

describe("ticket codes", () => {
  it("public ids are 12 random bytes in lower-case base32", () => {
    const ids = new Set(Array.from({ length: 2000 }, generatePublicId));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[a-z2-7]{20}$/);
  });

  it("a code is the public id and 12 bytes of its HMAC, and verifies to that id", () => {
    const publicId = generatePublicId();
    const code = codeFor(ticketSigning, publicId);
    expect(code).toMatch(/^[a-z2-7]{40}$/);
    expect(code.startsWith(publicId)).toBe(true);
    expect(verifyCode(ticketSigning, code)).toBe(publicId);
  });

  it("any single changed character, another key, or another length fails", () => {
    const code = codeFor(ticketSigning, generatePublicId());
    for (let at = 0; at < code.length; at++) {
      const altered = code.slice(0, at) + (code[at] === "q" ? "r" : "q") + code.slice(at + 1);
      expect(verifyCode(ticketSigning, altered), `character ${at}`).toBeNull();
    }
    expect(verifyCode(generateKeys().ticketSigning, code)).toBeNull();
    expect(verifyCode(ticketSigning, code.slice(0, 39))).toBeNull();
    expect(verifyCode(ticketSigning, `${code}a`)).toBeNull();
    expect(verifyCode(ticketSigning, code.toUpperCase())).toBeNull();
  });

  it("reads a scan as the code: URL on any host, bare, padded, upper-case, typed in fours from paper", () => {
    const code = codeFor(ticketSigning, generatePublicId());
    const inputs = [
      code,
      `  ${code.toUpperCase()}\n`,
      ticketUrl("https://qrcoats.example", code),
      `HTTP://OLD.EXAMPLE/T/${code.toUpperCase()}`,
      `https://qrcoats.example/t/${code}/?from=poster#top`,
      `qrcoats.example/t/${code}`,
      code.toUpperCase().match(/.{4}/g)!.join(" "),
      code.match(/.{4}/g)!.join("-"),
    ];
    for (const input of inputs) expect(verifyCode(ticketSigning, candidateCode(input)), input).not.toBeNull();
    expect(candidateCode("https://qrcoats.example/tickets/abc")).toBe("https://qrcoats.example/tickets/abc");
  });

  it("renders the URL as SVG markup and as a printable PNG", async () => {
    const url = ticketUrl("https://qrcoats.example", codeFor(ticketSigning, generatePublicId()));
    const svg = renderSvg(url);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*viewBox="0 0 (\d+) \1"/);
    expect(svg).toContain("<path");
    const png = await renderPngDataUrl(url);
    expect(png.startsWith("data:image/png;base64,")).toBe(true);
    const bytes = Buffer.from(png.slice("data:image/png;base64,".length), "base64");
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(bytes.readUInt32BE(16)).toBe(600);
  });
});
