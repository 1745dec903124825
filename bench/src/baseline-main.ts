import { startBaselineServer } from "./baseline-server";

// Run as its own process, as the QRcoats host is, so neither shares an event loop with the
// load generator.
const server = await startBaselineServer({
  databaseUrl: process.env.DATABASE_URL!,
  ticketSigningKey: new Uint8Array(Buffer.from(process.env.TICKET_SIGNING_KEY!, "base64")),
  poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
