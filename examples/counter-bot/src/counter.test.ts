import { startHost, type RunningHost } from "@qrcoats/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCounter } from "./counter";

// The example run against a real host, as another project would run it.
describe("the counter bot, against a running host", () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ DEMO_DATA: "on" });
  });
  afterAll(() => host?.stop());

  it("signs in, lists venues, watches the racks live, issues and scans a ticket, checks the coat in and out", async () => {
    const lines: string[] = [];
    const result = await runCounter({
      url: `${host.url}/trpc`,
      email: "cleo@demo.qrcoats.example",
      password: "velvet rope coat check",
      log: (line) => lines.push(line),
    });
    expect(lines[0]).toBe("signed in as Cleo Chen (EMPLOYEE of Demo Nightclub)");
    expect(lines[1]).toBe("venues: Rooftop Bar, Velvet Room");
    // The demo has Cleo on shift at Velvet Room tonight.
    expect(lines[2]).toBe("on shift at Velvet Room");
    const [taken, of] = lines[3]!
      .match(/^live: (\d+) of (\d+) hangers taken$/)!
      .slice(1)
      .map(Number);
    expect(lines[5]).toMatch(/^scanned: ISSUED, can CHECK_IN \/ VOID \/ PAY, proposed slot \d+$/);
    // The check-in reached the bot over its live feed, authenticated by its JWT.
    expect(lines[7]).toBe(`live: ${taken! + 1} of ${of} hangers taken`);
    expect(result).toEqual({ ticketNumber: expect.any(Number), slot: expect.any(Number), finalState: "RETURNED" });
  });
});
