import { createApiConfig, LiveHub, type ApiServices, type ApiTelemetry } from "@qrcoats/api";
import type { Database } from "@qrcoats/db";
import type { Config } from "./config";
import { mailDelivery } from "./mail/index";
import type { HostKeys } from "./secrets";

export function createServices(config: Config, db: Database, keys: HostKeys, version: string, telemetry?: ApiTelemetry): ApiServices {
  const { jwtSecret, ...apiKeys } = keys;
  return {
    db,
    version,
    config: createApiConfig(
      { publicUrl: config.PUBLIC_URL, jwtSecret, keys: apiKeys },
      {
        trustedOrigins: config.TRUSTED_ORIGINS ?? [],
        auth: { accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS },
        messageRetentionDays: config.MESSAGE_RETENTION_DAYS,
      },
    ),
    clock: () => new Date(),
    live: new LiveHub(db),
    telemetry,
    mail: mailDelivery(config),
  };
}
