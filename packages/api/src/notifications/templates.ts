import { z } from "zod";
import { codeFor, ticketUrl } from "../qr/codes";
import type { Channel } from "./sender";

// One template per message: its subject, plain text and HTML come from the same parameters.
// Links are made here, at delivery, from the host's public URL and the sealed parameters,
// so the outbox never stores one. Every value in the HTML goes through `html`, which escapes
// whatever it is given: a name typed as "<script>" arrives as text.

/** The parameters of each template, as sealed in the outbox and checked again when opened. */
export const templateParams = {
  "password-reset": z.object({ name: z.string(), token: z.string(), validMinutes: z.number().int() }),
  "employee-invitation": z.object({
    name: z.string(),
    organizationName: z.string(),
    token: z.string(),
    validDays: z.number().int(),
  }),
  "forgotten-items": z.object({
    name: z.string().nullable(),
    /** A ticket's public id, not its code: the code is signed at delivery. */
    items: z.array(z.object({ number: z.number().int(), venueName: z.string(), publicId: z.string() })).min(1),
  }),
};

export type MessageTemplate = keyof typeof templateParams;
export type TemplateParams = { [T in MessageTemplate]: z.infer<(typeof templateParams)[T]> };

/** What rendering needs besides the parameters: where links point, and how codes are signed. */
export type RenderContext = { publicUrl: string; ticketSigning: Uint8Array; channel: Channel };

export type Rendered = { subject: string; text: string; html: string };

/** Where each kind of link leads in the apps. */
export const links = {
  passwordReset: (publicUrl: string, token: string) => `${publicUrl}/reset-password?token=${token}`,
  invitation: (publicUrl: string, token: string) => `${publicUrl}/accept-invitation?token=${token}`,
};

/** HTML built only from literal markup and escaped values. */
class Html {
  constructor(readonly markup: string) {}
}

type HtmlValue = string | number | Html | Html[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  const markup = (value: HtmlValue): string =>
    value instanceof Html ? value.markup : Array.isArray(value) ? value.map(markup).join("") : escapeHtml(String(value));
  return new Html(strings.reduce((out, literal, i) => out + literal + (i < values.length ? markup(values[i]!) : ""), ""));
}

function page(subject: string, content: Html): string {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>${subject}</title>
      </head>
      <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #0f172a">
        ${content}
      </body>
    </html> `.markup;
}

/** A line that is always one line: what an admin typed may hold line breaks. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

const greeting = (name: string | null) => (name ? `Hello ${oneLine(name)},` : "Hello,");

type Template<P> = {
  /** Holds no secret: the outbox keeps it for the admins' view. */
  subject(params: P): string;
  render(params: P, context: RenderContext, subject: string): Omit<Rendered, "subject">;
};

const passwordReset: Template<TemplateParams["password-reset"]> = {
  subject: () => "Choose a new QRcoats password",
  render({ name, token, validMinutes }, { publicUrl }, subject) {
    const link = links.passwordReset(publicUrl, token);
    return {
      text: [
        greeting(name),
        "",
        `Open this link within ${validMinutes} minutes to choose a new password:`,
        link,
        "",
        "If you did not ask for this, ignore this message; your password stays as it is.",
      ].join("\n"),
      html: page(
        subject,
        html`<p>${greeting(name)}</p>
          <p>Open this link within ${validMinutes} minutes to choose a new password:</p>
          <p><a href="${link}">Choose a new password</a></p>
          <p style="font-size: 0.875em; color: #475569">Or copy it into your browser: ${link}</p>
          <p>If you did not ask for this, ignore this message; your password stays as it is.</p>`,
      ),
    };
  },
};

const employeeInvitation: Template<TemplateParams["employee-invitation"]> = {
  subject: ({ organizationName }) => `You are invited to join ${oneLine(organizationName)} on QRcoats`,
  render({ name, organizationName, token, validDays }, { publicUrl }, subject) {
    const link = links.invitation(publicUrl, token);
    const organization = oneLine(organizationName);
    return {
      text: [
        greeting(name),
        "",
        `${organization} invites you to work with them on QRcoats. Open this link within ${validDays} days to choose your password:`,
        link,
        "",
        "If you did not expect this, ignore this message.",
      ].join("\n"),
      html: page(
        subject,
        html`<p>${greeting(name)}</p>
          <p>${organization} invites you to work with them on QRcoats. Open this link within ${validDays} days to choose your password:</p>
          <p><a href="${link}">Join ${organization}</a></p>
          <p style="font-size: 0.875em; color: #475569">Or copy it into your browser: ${link}</p>
          <p>If you did not expect this, ignore this message.</p>`,
      ),
    };
  },
};

const venuesOf = (items: TemplateParams["forgotten-items"]["items"]) =>
  [...new Set(items.map((item) => oneLine(item.venueName)))].join(" and ");

const forgottenItems: Template<TemplateParams["forgotten-items"]> = {
  subject: ({ items }) => `You left something at ${venuesOf(items)}`,
  render({ name, items }, { publicUrl, ticketSigning, channel }, subject) {
    const venues = venuesOf(items);
    const tickets = items.map((item) => ({
      label: `ticket ${item.number} at ${oneLine(item.venueName)}`,
      link: ticketUrl(publicUrl, codeFor(ticketSigning, item.publicId)),
    }));
    const intro = `something of yours was still at the coat check of ${venues} after closing. It is safe in lost & found; show your ticket to collect it:`;
    return {
      text:
        channel === "sms"
          ? `QRcoats: you left something at the coat check of ${venues}. It is in lost & found. ${tickets.map((t) => `${t.label}: ${t.link}`).join("; ")}`
          : [greeting(name), "", intro, "", ...tickets.map((t) => `- ${t.label}: ${t.link}`)].join("\n"),
      html: page(
        subject,
        html`<p>${greeting(name)}</p>
          <p>${intro}</p>
          <ul>
            ${tickets.map((t) => html`<li><a href="${t.link}">${t.label}</a></li> `)}
          </ul>`,
      ),
    };
  },
};

const templates: { [T in MessageTemplate]: Template<TemplateParams[T]> } = {
  "password-reset": passwordReset,
  "employee-invitation": employeeInvitation,
  "forgotten-items": forgottenItems,
};

export function subjectOf<T extends MessageTemplate>(template: T, params: TemplateParams[T]): string {
  return oneLine(templates[template].subject(params));
}

export function render<T extends MessageTemplate>(template: T, params: TemplateParams[T], context: RenderContext): Rendered {
  const subject = subjectOf(template, params);
  return { subject, ...templates[template].render(params, context, subject) };
}

export function isMessageTemplate(name: string): name is MessageTemplate {
  return Object.hasOwn(templateParams, name);
}
