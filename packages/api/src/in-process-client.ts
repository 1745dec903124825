import { createContext, type ApiServices, type RequestInfo } from "./context";
import { appRouter } from "./root";
import { createCallerFactory } from "./trpc";

const createCaller = createCallerFactory(appRouter);

export type InProcessCaller = ReturnType<typeof createCaller>;

export type InProcessClient = {
  api: InProcessCaller;
  /** The cookies this client holds, as a browser would keep them. */
  cookies: Map<string, string>;
  /** Every Set-Cookie header it received, raw, in order. */
  setCookieHeaders: string[];
  /** Sent with every call; set `authorization` to act as a program. */
  headers: Headers;
};

/**
 * Calls the API in the same process exactly as the HTTP host does — through `createContext`,
 * so cookies, bearer tokens, origins and addresses take the real path — keeping cookies like
 * a browser. Tests and the demo seed use it; only the HTTP framing is skipped.
 */
export function createInProcessClient(
  services: ApiServices,
  options: {
    origin?: string | null;
    address?: string;
    secure?: boolean;
    userAgent?: string;
    /** Ends this client's live subscriptions, as a closed connection ends them over HTTP. */
    signal?: AbortSignal;
  } = {},
): InProcessClient {
  const cookies = new Map<string, string>();
  const setCookieHeaders: string[] = [];
  const appOrigin = new URL(services.config.publicUrl).origin;
  const headers = new Headers({ host: new URL(appOrigin).host, "user-agent": options.userAgent ?? "qrcoats-in-process" });
  const origin = options.origin === undefined ? appOrigin : options.origin;
  if (origin !== null) headers.set("origin", origin);
  const api = createCaller(
    async () => {
      const requestHeaders = new Headers(headers);
      const jar = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
      if (jar) requestHeaders.set("cookie", jar);
      const request: RequestInfo = {
        headers: requestHeaders,
        clientAddress: options.address ?? "127.0.0.1",
        secure: options.secure ?? false,
        responseHeaders: cookieJarHeaders(cookies, setCookieHeaders),
      };
      return createContext(services, request);
    },
    { signal: options.signal },
  );
  return { api, cookies, setCookieHeaders, headers };
}

/** Response headers that also do what a browser does with Set-Cookie. */
function cookieJarHeaders(jar: Map<string, string>, log: string[]): Headers {
  const headers = new Headers();
  const append = headers.append.bind(headers);
  const appendAndStore = (name: string, value: string) => {
    append(name, value);
    if (name.toLowerCase() !== "set-cookie") return;
    log.push(value);
    const [pair, ...attributes] = value.split(";").map((part) => part.trim());
    const [cookieName, cookieValue] = pair!.split("=") as [string, string];
    const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)) <= new Date()));
    if (expired || cookieValue === "") jar.delete(cookieName);
    else jar.set(cookieName, cookieValue);
  };
  Object.defineProperty(headers, "append", { value: appendAndStore });
  return headers;
}
