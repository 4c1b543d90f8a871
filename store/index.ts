import path from 'node:path';
import { dataDir, type Config } from '../config/index.ts';
import { SqliteLogStore } from './sqlite.ts';
import type { LogStore } from './types.ts';

export * from './types.ts';
export { SqliteLogStore, UnknownRecordError, type SqliteOptions } from './sqlite.ts';

export class StoreUrlError extends Error {
  readonly userFacing = true;
}

/** The SQLite file a config points at: `store.url` = `sqlite:PATH`, else `<dataDir>/understudy.db`. */
export function storePath(config: Config): string {
  const url = config.store.url;
  if (!url) return path.join(dataDir(config), 'understudy.db');
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new StoreUrlError('store.url "sqlite:" needs a path, e.g. sqlite:.understudy/understudy.db');
    return file === ':memory:' ? file : path.resolve(file);
  }
  if (/^postgres(ql)?:/.test(url)) {
    throw new StoreUrlError('store.url: the Postgres log store is not implemented yet; use sqlite:PATH (or leave store.url unset)');
  }
  // Only the scheme is echoed: a URL may carry a password.
  throw new StoreUrlError(`store.url: the scheme "${url.split(':')[0]}:" is not supported; use sqlite:PATH`);
}

export async function openStore(config: Config): Promise<LogStore> {
  return new SqliteLogStore(storePath(config));
}
