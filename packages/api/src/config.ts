/** Rate limit for one kind of key: at most `max` hits per fixed window. */
export type Limit = { max: number; windowSeconds: number };

export type ApiConfig = {
  /** Where people reach the apps; links in messages and QR codes point here. */
  publicUrl: string;
  /** Origins besides the host's own that may send cookie-authenticated mutations. */
  trustedOrigins: string[];
  auth: {
    /** HS256 key for access tokens: at least 32 random bytes. */
    jwtSecret: Uint8Array;
    accessTokenTtlSeconds: number;
    sessionTtlDays: number;
    passwordResetTtlMinutes: number;
    limits: {
      /** Failed sign-ins per account. */
      signInPerAccount: Limit;
      /** Failed sign-ins per client address (many accounts, one attacker). */
      signInPerAddress: Limit;
      /** Accounts created and reset links asked for, per client address. */
      accountRequestsPerAddress: Limit;
    };
  };
};

export const MAX_ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export function createApiConfig(
  required: { publicUrl: string; jwtSecret: Uint8Array },
  overrides: { trustedOrigins?: string[]; auth?: Partial<ApiConfig["auth"]> } = {},
): ApiConfig {
  if (required.jwtSecret.byteLength < 32) throw new Error("The JWT secret must be at least 32 bytes");
  const auth: ApiConfig["auth"] = {
    jwtSecret: required.jwtSecret,
    accessTokenTtlSeconds: MAX_ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlDays: 30,
    passwordResetTtlMinutes: 30,
    limits: {
      signInPerAccount: { max: 5, windowSeconds: 15 * 60 },
      signInPerAddress: { max: 30, windowSeconds: 15 * 60 },
      accountRequestsPerAddress: { max: 10, windowSeconds: 60 * 60 },
    },
    ...overrides.auth,
  };
  if (auth.accessTokenTtlSeconds > MAX_ACCESS_TOKEN_TTL_SECONDS) {
    throw new Error("Access tokens live at most 15 minutes");
  }
  return { publicUrl: required.publicUrl.replace(/\/$/, ""), trustedOrigins: overrides.trustedOrigins ?? [], auth };
}
