import { deliverPending, PermanentDeliveryError, type ApiServices, type MessageSender } from "@qrcoats/api";

// The demo's mail. Its people's addresses are made up, so nothing is sent anywhere: the
// demo's own sender takes each message as a mail server would and drops it, except for two
// addresses whose servers refuse, so that the admin panel's Messages section shows every
// state — sent, waiting with the reason, failed for good.

const MINUTE = 60_000;

/** Addresses whose (imaginary) mail servers refuse: one for now, one for good. */
export const DEMO_REFUSALS: Record<string, () => Error> = {
  "dev@demo.qrcoats.example": () => new Error("421 4.2.1 Mailbox busy, try again later"),
  "jonas.demo@example.com": () => new PermanentDeliveryError("550 5.1.1 Mailbox unavailable"),
};

const demoMail: MessageSender = {
  channel: "email",
  via: "demo",
  async send(message) {
    const refusal = DEMO_REFUSALS[message.to];
    if (refusal) throw refusal();
    return {};
  },
};

/** Delivers what is due at the seed's current moment, as the host's job would. */
export function deliverDemoMail(services: ApiServices) {
  return deliverPending(services, { senders: [demoMail] });
}

/**
 * Dev's mail server keeps saying "try later": the invitation of ten days ago expired before
 * it got through, and the one the admin sent again an hour and a bit ago has had five
 * attempts, the next one hours away. (Meanwhile the admin can copy the link for Dev.)
 */
export async function resendToDev(
  clock: { services: ApiServices; at(time: Date): void },
  admin: { employee: { resendInvitation(input: { employeeId: string }): Promise<unknown> } },
  devEmployeeId: string,
  now: Date,
) {
  let at = now.getTime() - 80 * MINUTE;
  clock.at(new Date(at));
  await admin.employee.resendInvitation({ employeeId: devEmployeeId });
  // The outbox's backoff: 30 s, 2 min, 10 min, 1 h after each failed attempt.
  for (const wait of [0, 0.5, 2, 10, 60]) {
    at += wait * MINUTE;
    clock.at(new Date(at));
    await deliverDemoMail(clock.services);
  }
}
