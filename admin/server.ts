import type { AddressInfo } from 'node:net';
import type { Config } from '../config/index.ts';
import type { LogStore } from '../store/index.ts';
import { createAdminApp } from './app.ts';
import type { Probe } from './health.ts';

export class AdminConfigError extends Error {
  readonly userFacing = true;
}

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

/** The configured admin password; there is no default, so without one the UI must not start. */
export function adminPassword(config: Config): string {
  const password = config.admin.password;
  if (!password) {
    throw new AdminConfigError('the admin UI needs a password and has no default: set UNDERSTUDY_ADMIN_PASSWORD (or admin.password in the config file)');
  }
  return password;
}

/** Serves the admin UI on config.admin.host:port (port 0 picks a free one). Refuses to start without a password. */
export async function startAdminServer(config: Config, store: LogStore, opts: { probes?: Record<string, Probe> } = {}): Promise<AdminServer> {
  const password = adminPassword(config);
  const app = createAdminApp(store, { password, sessionTtlMs: config.admin.sessionHours * 3_600_000, probes: opts.probes });
  const server = app.listen(config.admin.port, config.admin.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.admin.host.includes(':') ? `[${config.admin.host}]` : config.admin.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
