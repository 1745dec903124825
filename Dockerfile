# QRcoats host image: the API, the web app and the admin panel in one Node process.
# docker build -t qrcoats . ; see docs/deploy.md and compose.yaml.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
# Dependency install scripts stay blocked (npm 11); the project's own postinstall generates
# the Prisma client, the apps are built with their bundle budgets enforced, and the host is
# built to JavaScript: the image runs plain node, and pruning removes tsx and esbuild.
RUN npm ci --no-audit --no-fund \
 && npx turbo run build --filter=@qrcoats/web --filter=@qrcoats/admin --filter=@qrcoats/host \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Node is PID 1 and handles SIGTERM itself: it stops accepting, ends live streams, finishes
# requests in flight (SHUTDOWN_GRACE_SECONDS), and closes the database.
# One-off tasks in the same image: `node dist/migrate.js`, `node dist/job-cli.js <job>`,
# `node dist/backup-cli.js <backup | restore FILE>` (embedded database).
WORKDIR /app/apps/host
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]
