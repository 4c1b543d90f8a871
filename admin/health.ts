import type { LogStore } from '../store/index.ts';

/** A component check: resolves with details when healthy, throws (or times out) when not. */
export type Probe = () => Promise<Record<string, unknown> | void>;

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, { ok: boolean; error?: string } & Record<string, unknown>>;
}

const PROBE_TIMEOUT_MS = 3000;

async function run(probe: Probe): Promise<{ ok: boolean; error?: string } & Record<string, unknown>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    return { ok: true, ...((await Promise.race([probe(), timeout])) ?? {}) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export function storeProbe(store: LogStore): Probe {
  return async () => ({ questions: (await store.listQuestions({}, { offset: 0, limit: 0 })).total });
}

export async function health(probes: Record<string, Probe>): Promise<HealthReport> {
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((n) => run(probes[n]!)));
  const checks = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
  return { status: results.every((r) => r.ok) ? 'ok' : 'degraded', checks };
}
