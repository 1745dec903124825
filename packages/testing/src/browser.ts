import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

// playwright-core gives every launch a fresh, temporary profile of its own.

/** The Chromium to drive: CHROMIUM_PATH, or the system's (docs/toolchain.md). */
export function findChromium(): string | undefined {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  return CANDIDATES.find((candidate) => fs.existsSync(candidate));
}

/**
 * Whether browser tests can run here. Without a browser they are skipped with a loud
 * warning, except under CI=true, where a missing browser fails the run.
 */
export function browserAvailable(): boolean {
  if (findChromium()) return true;
  const message = "No Chromium found (set CHROMIUM_PATH, or: apt-get install -y chromium).";
  if (process.env.CI === "true") throw new Error(`${message} Browser tests cannot be skipped in CI.`);
  console.warn(`\n${"!".repeat(78)}\n!! ${message}\n!! SKIPPING THE BROWSER TESTS.\n${"!".repeat(78)}\n`);
  return false;
}

/** `extraArgs`: more Chromium flags, such as a fake camera for scanning tests. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("No Chromium found");
  return chromium.launch({
    executablePath,
    // The flags that keep Chromium quiet on a machine with no outside network.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}

/** A phone-sized context, as guests and attendants use the apps. */
export async function newPhoneContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    hasTouch: true,
  });
  // Fail a step in seconds, well inside the test's own timeout, so the report names it.
  context.setDefaultTimeout(10_000);
  return context;
}

/** Saves a screenshot under the workspace's test-artifacts/ for a person to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = path.join(process.cwd(), "test-artifacts", `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Every Content-Security-Policy violation in a context's pages, as Chromium reports them on
 * the console ("Refused to load…"): the apps must run under the host's policy, and a test
 * that asserts this list empty fails the day a build needs something the policy forbids.
 */
export function recordCspViolations(context: BrowserContext): string[] {
  const violations: string[] = [];
  const watch = (page: Page) =>
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
  context.pages().forEach(watch);
  context.on("page", watch);
  return violations;
}
