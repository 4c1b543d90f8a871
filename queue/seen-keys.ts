/** Remembers keys for a while (Slack's retried deliveries, gateway replays) so each is handled once. */
export class SeenKeys {
  private readonly seen = new Map<string, number>();

  constructor(private readonly ttlMs = 10 * 60_000, private readonly max = 10_000) {}

  /** True the first time a key is seen within the TTL. */
  first(key: string): boolean {
    const now = Date.now();
    const at = this.seen.get(key);
    if (at !== undefined && now - at < this.ttlMs) return false;
    this.seen.set(key, now);
    if (this.seen.size > this.max) {
      for (const [k, t] of this.seen) {
        if (now - t < this.ttlMs && this.seen.size <= this.max) break;
        this.seen.delete(k);
      }
    }
    return true;
  }

  forget(key: string): void {
    this.seen.delete(key);
  }
}
