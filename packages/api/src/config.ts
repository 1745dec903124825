/** Rate limit for one kind of key: at most `max` hits per fixed window. */
export type Limit = { max: number; windowSeconds: number };

/** The server's secrets besides the JWT key; see lib/field-crypto.ts and the QR code signer. */
export type ApiKeys = {
  /** AES-256-GCM keys for sensitive fields: the first encrypts, any of them decrypts. */
  fieldEncryption: { id: string; key: Uint8Array }[];
  /** HMAC key for the searchable hashes of sensitive fields (last digits of a phone...). */
  lookup: Uint8Array;
  /** HMAC key that makes ticket codes unforgeable. */
  ticketSigning: Uint8Array;
};

export type ApiConfig = {
  /** Where people reach the apps; links in messages and QR codes point here. */
  publicUrl: string;
  keys: ApiKeys;
  /** Origins besides the host's own that may send cookie-authenticated mutations. */
  trustedOrigins: string[];
  /**
   * Invitation emails (first sends and resends) carry a name and an organization that an
   * admin chose: counted per organization, and per recipient across all organizations, so
   * that no one can be flooded with them.
   */
  invitationLimits: { perOrganization: Limit; perRecipient: Limit };
  /**
   * Days a message stays in the outbox, whatever became of it, before the retention job
   * deletes it (MESSAGE_RETENTION_DAYS). Beside RETENTION_DAYS (auth/retention.ts), but set
   * per installation: how long admins can look back at what was sent.
   */
  messageRetentionDays: number;
  auth: {
    /** HS256 key for access tokens: at least 32 random bytes. */
    jwtSecret: Uint8Array;
    accessTokenTtlSeconds: number;
    sessionTtlDays: number;
    passwordResetTtlMinutes: number;
    limits: {
      /** Failed sign-ins per account from one address: guessing locks out only that pair. */
      signInFailuresPerAccountAddress: Limit;
      /** Failed sign-ins from one address on accounts that never signed in from it (one attacker, many accounts). */
      signInFailuresPerAddress: Limit;
      /** Failed sign-ins per account from addresses it never signed in from: bounds guessing spread over many addresses. */
      signInFailuresPerAccount: Limit;
      /** Successful sign-ins per account: each costs a password hash and stores a session. */
      signInsPerAccount: Limit;
      /** Successful sign-ins per address: a venue's staff and guests share one. */
      signInsPerAddress: Limit;
      /** Accounts created per address: hundreds of guests share a venue's Wi-Fi. */
      registrationsPerAddress: Limit;
      /** Reset links asked for per address. */
      passwordResetsPerAddress: Limit;
      /** Reset links asked for per email, so nobody's inbox can be flooded. */
      passwordResetsPerEmail: Limit;
    };
  };
  live: LiveLimits;
  guestLinks: GuestLinkLimits;
};

/**
 * How many tickets a venue's poster link gives (docs/guests.md). Guests behind one venue
 * Wi-Fi share an address, so the limits that matter count per phone (the key it keeps) and
 * per venue; the address budget only stops one machine asking for thousands.
 */
export type GuestLinkLimits = {
  /** Tickets one phone may hold unused at one venue: a group's coats, not a stack of numbers. */
  unusedPerDevice: number;
  /** Tickets one phone may get at one venue in a window (used or not): a night out, not a script. */
  ticketsPerDevice: Limit;
  /** Tickets a venue's poster link gives in all in a window: far above any real night, to bound a flood. */
  ticketsPerVenue: Limit;
  /** Link ticket requests from one client address: hundreds of guests share a venue's Wi-Fi. */
  requestsPerAddress: Limit;
  /**
   * Unknown poster links asked about from one client address. Counted apart from the tickets'
   * budget, so made-up links from one phone on the venue's Wi-Fi cannot use up the budget the
   * real guests behind that address share.
   */
  unknownLinksPerAddress: Limit;
};

/** How many live streams this host keeps open, and how soon a staff stream notices lost access. */
export type LiveLimits = {
  /**
   * Open streams from one client address. Generous: a venue's guest Wi-Fi puts hundreds of
   * phones behind one address, each ticket page holding a `qr.watch` stream.
   */
  maxStreamsPerAddress: number;
  /** Open streams of one signed-in account: a few tabs and screens. */
  maxStreamsPerAccount: number;
  /** Open streams on this host in all, whoever holds them. */
  maxStreamsPerHost: number;
  /** How often a staff stream re-reads its caller's session, membership and venue. */
  accessCheckIntervalMs: number;
};

export const MAX_ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** How long messages are kept by default: a month of "what did we send, and did it arrive". */
export const DEFAULT_MESSAGE_RETENTION_DAYS = 30;

export function createApiConfig(
  required: { publicUrl: string; jwtSecret: Uint8Array; keys: ApiKeys },
  overrides: {
    trustedOrigins?: string[];
    auth?: Partial<ApiConfig["auth"]>;
    live?: Partial<LiveLimits>;
    invitationLimits?: Partial<ApiConfig["invitationLimits"]>;
    messageRetentionDays?: number;
    guestLinks?: Partial<GuestLinkLimits>;
  } = {},
): ApiConfig {
  if (required.jwtSecret.byteLength < 32) throw new Error("The JWT secret must be at least 32 bytes");
  const { keys } = required;
  if (keys.fieldEncryption.length === 0) throw new Error("At least one field encryption key is needed");
  for (const { id, key } of keys.fieldEncryption) {
    if (key.byteLength !== 32) throw new Error(`Field encryption key ${id} must be 32 bytes`);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`Field encryption key id ${id} must be 1-32 letters, digits, _ or -`);
  }
  if (keys.lookup.byteLength < 32 || keys.ticketSigning.byteLength < 32) {
    throw new Error("The lookup and ticket signing keys must be at least 32 bytes");
  }
  const auth: ApiConfig["auth"] = {
    jwtSecret: required.jwtSecret,
    accessTokenTtlSeconds: MAX_ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlDays: 30,
    passwordResetTtlMinutes: 30,
    limits: {
      signInFailuresPerAccountAddress: { max: 5, windowSeconds: 15 * 60 },
      signInFailuresPerAddress: { max: 50, windowSeconds: 15 * 60 },
      signInFailuresPerAccount: { max: 100, windowSeconds: 24 * 60 * 60 },
      signInsPerAccount: { max: 30, windowSeconds: 60 * 60 },
      signInsPerAddress: { max: 1000, windowSeconds: 60 * 60 },
      registrationsPerAddress: { max: 1000, windowSeconds: 60 * 60 },
      passwordResetsPerAddress: { max: 200, windowSeconds: 60 * 60 },
      passwordResetsPerEmail: { max: 5, windowSeconds: 60 * 60 },
    },
    ...overrides.auth,
  };
  if (auth.accessTokenTtlSeconds > MAX_ACCESS_TOKEN_TTL_SECONDS) {
    throw new Error("Access tokens live at most 15 minutes");
  }
  const live: LiveLimits = {
    maxStreamsPerAddress: 1_000,
    maxStreamsPerAccount: 10,
    maxStreamsPerHost: 10_000,
    accessCheckIntervalMs: 5_000,
    ...overrides.live,
  };
  const invitationLimits: ApiConfig["invitationLimits"] = {
    perOrganization: { max: 50, windowSeconds: 60 * 60 },
    perRecipient: { max: 3, windowSeconds: 24 * 60 * 60 },
    ...overrides.invitationLimits,
  };
  const guestLinks: GuestLinkLimits = {
    unusedPerDevice: 5,
    ticketsPerDevice: { max: 10, windowSeconds: 12 * 60 * 60 },
    ticketsPerVenue: { max: 3000, windowSeconds: 12 * 60 * 60 },
    requestsPerAddress: { max: 600, windowSeconds: 60 * 60 },
    unknownLinksPerAddress: { max: 60, windowSeconds: 60 * 60 },
    ...overrides.guestLinks,
  };
  const messageRetentionDays = overrides.messageRetentionDays ?? DEFAULT_MESSAGE_RETENTION_DAYS;
  if (!Number.isInteger(messageRetentionDays) || messageRetentionDays < 1) throw new Error("Messages are kept at least one whole day");
  return {
    publicUrl: required.publicUrl.replace(/\/$/, ""),
    keys,
    trustedOrigins: overrides.trustedOrigins ?? [],
    auth,
    live,
    invitationLimits,
    messageRetentionDays,
    guestLinks,
  };
}

/** Fresh random keys: for tests, and for the embedded default's first start. */
export function generateKeys(): ApiKeys & { jwtSecret: Uint8Array } {
  const random = () => crypto.getRandomValues(new Uint8Array(32));
  return { jwtSecret: random(), fieldEncryption: [{ id: "k1", key: random() }], lookup: random(), ticketSigning: random() };
}
