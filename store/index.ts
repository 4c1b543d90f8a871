import path from 'node:path';
import { dataDir, type Config } from '../config/index.ts';
import { StoreUrlError } from './errors.ts';
import { PostgresLogStore } from './postgres.ts';
import { SqliteLogStore } from './sqlite.ts';
import type { LogStore } from './types.ts';

export * from './types.ts';
export { StoreConnectError, StoreUrlError, UnknownRecordError } from './errors.ts';
export { PostgresLogStore, type PostgresOptions } from './postgres.ts';
export { SqliteLogStore, type SqliteOptions } from './sqlite.ts';

const POSTGRES = /^postgres(ql)?:/;

/** The SQLite file a config points at: `store.url` = `sqlite:PATH`, else `<dataDir>/understudy.db`. */
export function storePath(config: Config): string {
  const url = config.store.url;
  if (!url) return path.join(dataDir(config), 'understudy.db');
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new StoreUrlError('store.url "sqlite:" needs a path, e.g. sqlite:.understudy/understudy.db');
    return file === ':memory:' ? file : path.resolve(file);
  }
  if (POSTGRES.test(url)) throw new StoreUrlError('store.url points at PostgreSQL, which has no file; open it with openStore');
  // Only the scheme is echoed: a URL may carry a password.
  throw new StoreUrlError(`store.url: the scheme "${url.split(':')[0]}:" is not supported; use sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE`);
}

/** The log store `store.url` names: a PostgreSQL database (`postgres://`, `postgresql://`) or a SQLite file. */
export async function openStore(config: Config): Promise<LogStore> {
  const url = config.store.url;
  if (url && POSTGRES.test(url)) return PostgresLogStore.open(url);
  return new SqliteLogStore(storePath(config));
}
