import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemo } from '../../admin/demo-data.ts';
import { startAdminServer, type AdminServer, type Probe } from '../../admin/index.ts';
import { loadConfig } from '../../config/index.ts';
import { SqliteLogStore, type LogStore } from '../../store/index.ts';

export const PASSWORD = 'correct horse battery';

export interface Harness {
  store: LogStore;
  server: AdminServer;
  ids: string[];
  close(): Promise<void>;
}

/** Opens an empty store on the given clock. */
export type StoreOpener = (now: () => Date) => Promise<LogStore>;

const sqliteStore: StoreOpener = async (now) =>
  new SqliteLogStore(path.join(mkdtempSync(path.join(tmpdir(), 'understudy-admin-')), 'understudy.db'), { now });

/** A real store (SQLite unless `open` says otherwise) seeded with demo traffic, and the admin server on a free port. */
export async function startHarness(opts: { probes?: Record<string, Probe>; days?: number; perDay?: number; open?: StoreOpener } = {}): Promise<Harness> {
  let seedTime: number | null = Date.now(); // seeding moves the clock; afterwards it is real time
  const store = await (opts.open ?? sqliteStore)(() => new Date(seedTime ?? Date.now()));
  const ids = await seedDemo(store, { set: (ms) => void (seedTime = ms) }, { days: opts.days ?? 10, perDay: opts.perDay ?? 6 });
  seedTime = null;
  const config = loadConfig({ env: {}, overrides: { 'admin.password': PASSWORD, 'admin.port': 0 } });
  const server = await startAdminServer(config, store, { probes: opts.probes });
  return { store, server, ids, close: async () => (await server.close(), await store.close()) };
}

/** Signs in through the real form; returns the session cookie and the page's CSRF token. */
export async function signIn(url: string, user = 'dana'): Promise<{ cookie: string; csrf: string }> {
  const form = await fetch(`${url}/login`);
  const loginCookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, user, password: PASSWORD, next: '/' }),
  });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('understudy_session='))!.split(';')[0]!;
  const page = await (await fetch(`${url}/questions`, { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]! };
}

export function post(url: string, cookie: string | null, fields: Record<string, string | string[]>): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body,
  });
}
