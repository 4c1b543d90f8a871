/**
 * Sends only the latest of a burst of values, at most one per `gapMs`, one at a time — progress
 * updates on a chat message stay within the platform's rate limits and never overtake each other.
 * `close()` waits for the send in flight so a final edit lands after the last progress edit.
 */
export function latestOnly<T>(send: (value: T) => Promise<unknown>, gapMs: number, onError: (e: unknown) => void) {
  let next: { value: T } | undefined;
  let chain = Promise.resolve();
  let scheduled = false;
  let closed = false;
  let lastAt = 0;
  return {
    push(value: T): void {
      if (closed) return;
      next = { value };
      if (scheduled) return;
      scheduled = true;
      chain = chain.then(async () => {
        const wait = lastAt + gapMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        scheduled = false;
        const item = next;
        next = undefined;
        if (!item || closed) return;
        lastAt = Date.now();
        await send(item.value).catch(onError);
      });
    },
    async close(): Promise<void> {
      closed = true;
      await chain;
    },
  };
}
