import { createContext, ticketImageFile, type ApiServices } from "@qrcoats/api";
import { TRPCError } from "@trpc/server";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { requestInfo } from "./request-info";

const FILE = /^(?<ticketId>[^.]+)\.(?<format>svg|png)$/;
const ticketId = z.uuid();
const notFound = { error: "No such ticket." };

/**
 * A ticket's QR over plain HTTP, for programs and printing: GET /images/tickets/<id>.svg or
 * .png, signed in as `qr.image` requires (session cookie or bearer token). The apps draw the
 * QR on the device instead and ask for nothing.
 *
 * The address names the ticket by its id, never by its code: the code is the guest's bearer
 * secret, and addresses end up in logs, histories and referrers. The image does carry the
 * code, so it is `private` (a shared cache never keeps it) and varies with the credentials;
 * a ticket's image never changes, so it is `immutable`, with a strong ETag for revalidation.
 */
export function serveTicketImages(app: FastifyInstance, services: ApiServices) {
  app.get<{ Params: { file: string } }>("/images/tickets/:file", async (request, reply) => {
    const file = FILE.exec(request.params.file)?.groups;
    if (!file || !ticketId.safeParse(file.ticketId).success) return reply.code(404).send(notFound);
    const context = await createContext(services, requestInfo(request));
    if (!context.principal) return reply.code(401).send({ error: "Sign in to see a ticket's QR code." });
    let image: Awaited<ReturnType<typeof ticketImageFile>>;
    try {
      image = await ticketImageFile(context, context.principal, { ticketId: file.ticketId!, format: file.format as "svg" | "png" });
    } catch (error) {
      // Someone else's ticket is answered as an unknown one: ids are never confirmed.
      if (error instanceof TRPCError && error.code === "NOT_FOUND") return reply.code(404).send(notFound);
      throw error;
    }
    reply
      .header("cache-control", "private, max-age=31536000, immutable")
      .header("etag", image.etag)
      .header("vary", "cookie, authorization");
    if (matches(request.headers["if-none-match"], image.etag)) return reply.code(304).send();
    return reply
      .type(image.contentType)
      .header("content-disposition", `inline; filename="qrcoats-ticket-${image.number}.${file.format}"`)
      .send(image.body);
  });
}

/** If-None-Match as RFC 9110 reads it: a list of tags, weakly compared, or "*". */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const candidate = tag.trim();
    return candidate === "*" || candidate.replace(/^W\//, "") === etag;
  });
}
