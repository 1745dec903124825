export type ServerSentEvent = { id?: string; event?: string; data: string };

/**
 * Reads a server-sent event stream with fetch, as a browser's EventSource would, keeping
 * every event; for tests that watch live updates over real HTTP.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}) {
  const connection = new AbortController();
  const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: connection.signal });
  if (!response.ok || !response.body) throw new Error(`event stream ${url}: HTTP ${response.status}`);
  const events: ServerSentEvent[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    const reader = response.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: ServerSentEvent = { data: "" };
        for (const line of block.split("\n")) {
          const [field, ...rest] = line.split(":");
          const value = rest.join(":").replace(/^ /, "");
          if (field === "data") event.data += value;
          else if (field === "id") event.id = value;
          else if (field === "event") event.event = value;
        }
        events.push(event);
      }
    }
  })().catch(() => {});
  return {
    events,
    /** Waits until an event matches, up to `timeoutMs`; the event, or undefined. */
    async waitFor(match: (event: ServerSentEvent) => boolean, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = events.find(match);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return undefined;
    },
    async close() {
      connection.abort();
      await reading;
    },
  };
}
