/**
 * Several streams read as one, in the order their items arrive, with a "tick" every `tickMs`
 * when given (for views that change with time, or that refresh at a bounded rate however
 * fast items come). Ends when any source ends: the sources are one live stream's channels,
 * which end together.
 */
export async function* mergeStreams<T>(sources: AsyncIterator<T>[], tickMs?: number): AsyncGenerator<T | "tick"> {
  type Arrival = { index: number; result: IteratorResult<T> };
  const pending = new Map<number, Promise<Arrival>>();
  const pull = (index: number) =>
    pending.set(
      index,
      sources[index]!.next().then((result) => ({ index, result })),
    );
  sources.forEach((_, index) => pull(index));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tick: Promise<"tick"> | null = null;
  try {
    for (;;) {
      // The tick keeps its own pace: items arriving often do not hold it back.
      if (tickMs !== undefined && !tick) tick = new Promise<"tick">((resolve) => (timer = setTimeout(() => resolve("tick"), tickMs)));
      const arrival = await Promise.race([...pending.values(), ...(tick ? [tick] : [])]);
      if (arrival === "tick") {
        tick = null;
        yield "tick";
        continue;
      }
      if (arrival.result.done) return;
      pull(arrival.index);
      yield arrival.result.value;
    }
  } finally {
    clearTimeout(timer);
  }
}
