import { randomUUID } from "node:crypto";
import { PermanentDeliveryError, type RenderedMessage } from "@qrcoats/api";
import { startMailServer, type MailServer } from "@qrcoats/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { smtpSender, transportOptions } from "./smtp-sender";

const FROM = "Velvet Coats <coats@velvet.example>";

const message = (to: string): RenderedMessage => ({
  id: randomUUID(),
  channel: "email",
  to,
  subject: "Choose a new QRcoats password",
  text: "Open this link: https://coats.example/reset-password?token=abc",
  html: '<p>Open <a href="https://coats.example/reset-password?token=abc">this link</a>.</p>',
  template: "password-reset",
});

/** What send() threw, or null. */
async function failure(send: Promise<unknown>): Promise<Error | null> {
  try {
    await send;
    return null;
  } catch (error) {
    return error as Error;
  }
}

describe("the SMTP sender, talking to a real SMTP server", () => {
  let mail: MailServer;
  let sender: ReturnType<typeof smtpSender>;
  beforeAll(async () => {
    mail = await startMailServer({ auth: { user: "qrcoats", pass: "s3cret/pass@word" } });
    sender = smtpSender(loadConfig({ SMTP_URL: mail.url, MAIL_FROM: FROM }).SMTP_URL!, FROM);
  });
  afterAll(async () => {
    sender.close();
    await mail.stop();
  });

  it("delivers the text and HTML parts from MAIL_FROM, signed in with the credentials of SMTP_URL", async () => {
    const sent = message("ada@example.com");
    expect(await sender.send(sent)).toEqual({});
    const received = await mail.waitFor("ada@example.com");
    expect(received).toMatchObject({
      envelope: { from: "coats@velvet.example", to: ["ada@example.com"] },
      user: "qrcoats",
      from: '"Velvet Coats" <coats@velvet.example>',
      to: ["ada@example.com"],
      subject: sent.subject,
      messageId: `<${sent.id}@velvet.example>`,
      links: ["https://coats.example/reset-password?token=abc"],
    });
    expect(received.text.trim()).toBe(sent.text);
    expect(received.html).toContain('<a href="https://coats.example/reset-password?token=abc">this link</a>');
  });

  it("says a 5xx answer cannot be helped by retrying, without repeating the address", async () => {
    mail.refuse("gone@example.com", 550);
    const error = await failure(sender.send(message("gone@example.com")));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error!.message).toMatch(/SMTP 550 to RCPT TO/);
    expect(error!.message).not.toContain("gone@example.com");
    expect(mail.attempts("gone@example.com")).toBe(1);
  });

  it("takes a 4xx answer, a server that is down and refused credentials as transient", async () => {
    mail.refuse("busy@example.com", 451);
    const busy = await failure(sender.send(message("busy@example.com")));
    expect(busy).toBeInstanceOf(Error);
    expect(busy).not.toBeInstanceOf(PermanentDeliveryError);
    expect(busy!.message).toMatch(/SMTP 451/);
    mail.accept("busy@example.com");
    await sender.send(message("busy@example.com"));
    expect(mail.received().filter((received) => received.envelope.to.includes("busy@example.com"))).toHaveLength(1);

    const wrongPassword = smtpSender(
      { ...loadConfig({ SMTP_URL: mail.url, MAIL_FROM: FROM }).SMTP_URL!, auth: { user: "qrcoats", pass: "nope" } },
      FROM,
    );
    const refused = await failure(wrongPassword.send(message("ada@example.com")));
    wrongPassword.close();
    expect(refused).not.toBeInstanceOf(PermanentDeliveryError);
    expect(refused!.message).toMatch(/refused the credentials of SMTP_URL/);

    await mail.stop();
    const down = await failure(sender.send(message("ada@example.com")));
    expect(down).toBeInstanceOf(Error);
    expect(down).not.toBeInstanceOf(PermanentDeliveryError);
    await mail.start();
    await sender.send(message("back@example.com"));
    await mail.waitFor("back@example.com");
  });
});

describe("the SMTP connection", () => {
  const server = { host: "smtp.example.com", port: 587, secure: false };
  const auth = { user: "apikey", pass: "secret" };

  it("never sends credentials in clear over a network: STARTTLS is required with them, except on this machine", () => {
    expect(transportOptions({ ...server, auth }).requireTLS).toBe(true);
    expect(transportOptions({ ...server, port: 465, secure: true, auth }).requireTLS).toBe(false);
    expect(transportOptions(server).requireTLS).toBe(false);
    for (const host of ["127.0.0.1", "localhost", "::1"]) expect(transportOptions({ ...server, host, auth }).requireTLS, host).toBe(false);
  });

  it("gives Nodemailer no logger, so no message body reaches a log, and no file or URL to read", () => {
    expect(transportOptions(server)).toMatchObject({
      logger: false,
      debug: false,
      transactionLog: false,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  });
});
