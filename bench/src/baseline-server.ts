import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import pg from "pg";

// The yardstick: what any Node server could do for the same counter requests on the same
// database — node:http, the pg driver and hand-written SQL, no framework, no ORM. It does
// the same work per request as QRcoats: validate the session cookie, check the member works
// at the venue, verify the ticket code's HMAC, and make the transition under the ticket's
// row lock with its scan event, in one transaction.

type Options = { databaseUrl: string; ticketSigningKey: Uint8Array; poolSize: number };

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function startBaselineServer({
  databaseUrl,
  ticketSigningKey,
  poolSize,
}: Options): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });

  function publicIdOf(code: string): string | null {
    if (!/^[a-z2-7]{40}$/.test(code)) return null;
    const publicId = code.slice(0, 20);
    const tag = base32(createHmac("sha256", ticketSigningKey).update(publicId).digest().subarray(0, 12));
    return timingSafeEqual(Buffer.from(tag), Buffer.from(code.slice(20))) ? publicId : null;
  }

  async function member(cookie: string | undefined) {
    const token = /qrcoats_session=([a-z2-7]{32})/.exec(cookie ?? "")?.[1];
    if (!token) return null;
    const hash = createHash("sha256").update(token).digest("hex");
    const { rows } = await pool.query(
      `SELECT m.organization_id, e.id AS employee_id FROM auth.sessions s
         JOIN auth.memberships m ON m.user_id = s.user_id AND m.status = 'ACTIVE'
         JOIN employees.employees e ON e.membership_id = m.id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [hash],
    );
    return rows[0] as { organization_id: string; employee_id: string } | undefined;
  }

  async function handle(path: string, body: { code: string; venueId: string }, cookie: string | undefined) {
    const who = await member(cookie);
    if (!who) return { status: 401, body: { error: "sign in" } };
    // The same question the host asks: the venue is the member's, and they are on shift there.
    const venue = await pool.query(
      `SELECT 1 FROM qr.venues v WHERE v.id = $1 AND v.organization_id = $2
          AND EXISTS (SELECT 1 FROM employees.shifts sh WHERE sh.employee_id = $3 AND sh.venue_id = v.id AND sh.ended_at IS NULL)`,
      [body.venueId, who.organization_id, who.employee_id],
    );
    if (venue.rowCount === 0) return { status: 403, body: { error: "venue" } };
    const publicId = publicIdOf(body.code);
    const found = publicId ? await pool.query(`SELECT id, venue_id FROM qr.tickets WHERE public_id = $1`, [publicId]) : null;
    const ticket = found?.rows[0] as { id: string; venue_id: string } | undefined;
    if (!ticket || ticket.venue_id !== body.venueId) return { status: 404, body: { error: "unknown code" } };

    if (path === "/scan") {
      const current = (await pool.query(`SELECT number, state, slot_id FROM qr.tickets WHERE id = $1`, [ticket.id])).rows[0] as {
        number: number;
        state: string;
        slot_id: string | null;
      };
      const slot =
        current.state === "ISSUED"
          ? ((
              await pool.query(
                `SELECT s.id, s.number FROM qr.slots s WHERE s.venue_id = $1 AND s.kind = 'HANGER'
               AND NOT EXISTS (SELECT 1 FROM qr.tickets t WHERE t.slot_id = s.id) ORDER BY s.number LIMIT 1`,
                [body.venueId],
              )
            ).rows[0] as { id: string; number: number } | undefined)
          : null;
      await pool.query(
        `INSERT INTO qr.scan_events (organization_id, venue_id, employee_id, ticket_id, action, result, from_state)
         VALUES ($1, $2, $3, $4, 'SCAN', 'OK', $5)`,
        [who.organization_id, body.venueId, who.employee_id, ticket.id, current.state],
      );
      return { status: 200, body: { ticket: current, proposedSlot: slot ?? null } };
    }

    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const locked = (await client.query(`SELECT state, slot_id FROM qr.tickets WHERE id = $1 FOR UPDATE`, [ticket.id])).rows[0] as {
        state: string;
        slot_id: string | null;
      };
      const from = locked.state;
      let slotId = locked.slot_id;
      if (path === "/check-in") {
        if (from !== "ISSUED") throw new Error("state");
        const slot = await client.query(
          `SELECT s.id FROM qr.slots s WHERE s.venue_id = $1 AND s.kind = 'HANGER'
             AND NOT EXISTS (SELECT 1 FROM qr.tickets t WHERE t.slot_id = s.id)
           ORDER BY s.number LIMIT 1 FOR UPDATE OF s SKIP LOCKED`,
          [body.venueId],
        );
        slotId = (slot.rows[0] as { id: string }).id;
        await client.query(
          `UPDATE qr.tickets SET state = 'CHECKED_IN', slot_id = $2, checked_in_at = now(), updated_at = now() WHERE id = $1`,
          [ticket.id, slotId],
        );
      } else {
        if (from !== "CHECKED_IN") throw new Error("state");
        await client.query(
          `UPDATE qr.tickets SET state = 'RETURNED', slot_id = NULL, returned_at = now(), updated_at = now() WHERE id = $1`,
          [ticket.id],
        );
      }
      const to = path === "/check-in" ? "CHECKED_IN" : "RETURNED";
      await client.query(
        `INSERT INTO qr.scan_events (organization_id, venue_id, employee_id, ticket_id, action, result, from_state, to_state, slot_id)
         VALUES ($1, $2, $3, $4, $5, 'OK', $6, $7, $8)`,
        [who.organization_id, body.venueId, who.employee_id, ticket.id, path === "/check-in" ? "CHECK_IN" : "CHECK_OUT", from, to, slotId],
      );
      await client.query("COMMIT");
      return { status: 200, body: { state: to, slotId } };
    } catch (error) {
      await client.query("ROLLBACK");
      return { status: 409, body: { error: (error as Error).message } };
    } finally {
      client.release();
    }
  }

  const server = http.createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => (raw += chunk));
    request.on("end", () => {
      handle(request.url ?? "", JSON.parse(raw || "{}") as { code: string; venueId: string }, request.headers.cookie)
        .then(({ status, body }) => {
          response.writeHead(status, { "content-type": "application/json" });
          response.end(JSON.stringify(body));
        })
        .catch((error: Error) => {
          response.writeHead(500, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: error.message }));
        });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: async () => {
          await new Promise((done) => server.close(done));
          await pool.end();
        },
      });
    });
  });
}
