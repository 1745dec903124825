import pg from "pg";

type Handler = (payload: string) => void;

/**
 * LISTEN over one dedicated PostgreSQL connection per process (pooled connections cannot
 * hold a LISTEN). When the connection drops it reconnects with backoff and listens again;
 * notifications sent while it was away are lost, which subscribers cover by resuming from
 * their last event id.
 */
export class PostgresListener {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private closed = false;
  private retryMs = 250;

  constructor(private readonly url: string) {}

  async listen(channel: string, handler: Handler): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Not a channel name: ${channel}`);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await (await this.connection()).query(`LISTEN ${channel}`);
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(channel) === set) {
        this.handlers.delete(channel);
        await this.client?.query(`UNLISTEN ${channel}`).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("notification", ({ channel, payload }) => {
      for (const handler of this.handlers.get(channel) ?? []) handler(payload ?? "");
    });
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    this.client = client;
    this.retryMs = 250;
    return client;
  }

  private lost(client: pg.Client) {
    if (this.client !== client || this.closed) return;
    this.client = null;
    const retry = () => {
      if (this.closed || this.handlers.size === 0) return;
      this.connection().catch(() => {
        this.retryMs = Math.min(this.retryMs * 2, 10_000);
        setTimeout(retry, this.retryMs).unref();
      });
    };
    setTimeout(retry, this.retryMs).unref();
  }
}
