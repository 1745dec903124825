import { describe, expect, it } from "vitest";
import { generateKeys } from "../config";
import { codeFor } from "../qr/codes";
import { render, subjectOf, templateParams, type MessageTemplate, type TemplateParams } from "./templates";

const { ticketSigning } = generateKeys();
const context = { publicUrl: "https://coats.example", ticketSigning, channel: "email" as const };
const HOSTILE = `<script>alert("x")</script> & 'friends'`;

const examples: { [T in MessageTemplate]: TemplateParams[T] } = {
  "password-reset": { name: HOSTILE, token: "resettoken234", validMinutes: 30 },
  "employee-invitation": { name: HOSTILE, organizationName: `Velvet "Group" <b>`, token: "invitetoken567", validDays: 7 },
  "forgotten-items": {
    name: HOSTILE,
    items: [
      { number: 12, venueName: "Velvet <Room>", publicId: "aaaaaaaaaaaaaaaaaaaa" },
      { number: 13, venueName: "Rooftop & Bar", publicId: "bbbbbbbbbbbbbbbbbbbb" },
    ],
  },
};

const linksOf = (text: string) => [...text.matchAll(/https:\/\/coats\.example\/[^\s"<]+/g)].map((match) => match[0].replace(/&amp;/g, "&"));

describe("message templates", () => {
  it.each(Object.keys(examples) as MessageTemplate[])("%s: text and HTML carry the same links, made from the public URL", (template) => {
    const rendered = render(template, examples[template] as never, context);
    expect(rendered.subject).toBe(subjectOf(template, examples[template] as never));
    expect(linksOf(rendered.text).length).toBeGreaterThan(0);
    expect(new Set(linksOf(rendered.html))).toEqual(new Set(linksOf(rendered.text)));
    expect(templateParams[template].parse(examples[template])).toEqual(examples[template]);
  });

  it.each(Object.keys(examples) as MessageTemplate[])("%s: every value in the HTML is escaped", (template) => {
    const { html, text } = render(template, examples[template] as never, context);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("<Room>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;");
    // The plain-text part is text: nothing to escape there.
    expect(text).toContain(`Hello ${HOSTILE},`);
  });

  it("links each forgotten ticket by its signed code, and says it in one line by SMS", () => {
    const params = examples["forgotten-items"];
    const email = render("forgotten-items", params, context);
    const sms = render("forgotten-items", params, { ...context, channel: "sms" });
    for (const item of params.items) {
      const link = `https://coats.example/t/${codeFor(ticketSigning, item.publicId)}`;
      expect(email.text).toContain(link);
      expect(email.html).toContain(`href="${link}"`);
      expect(sms.text).toContain(link);
    }
    expect(email.subject).toBe("You left something at Velvet <Room> and Rooftop & Bar");
    expect(sms.text.split("\n")).toHaveLength(1);
  });

  it("keeps a subject on one line whatever an admin typed", () => {
    expect(subjectOf("employee-invitation", { ...examples["employee-invitation"], organizationName: "Velvet\r\nBcc: everyone" })).toBe(
      "You are invited to join Velvet Bcc: everyone on QRcoats",
    );
  });
});
