import { Redis } from 'ioredis';

/** The BullMQ queue that carries questions and feedback between bots and workers. */
export const QUEUE_NAME = 'understudy';

export class QueueSetupError extends Error {
  readonly userFacing = true;
}

/** What both ioredis and BullMQ take (a type, not an interface, so it fits BullMQ's index-signed options). */
export type RedisSettings = {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: object;
  retryStrategy: (times: number) => number;
};

/** Connection options for `redis://[USER:PASSWORD@]HOST[:PORT][/DB]` (or `rediss://` for TLS). */
export function redisOptions(url: string): RedisSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueSetupError(`queue.url "${shownUrl(url)}" is not a URL: use redis://HOST:PORT`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new QueueSetupError(`queue.url "${shownUrl(url)}" is not a Redis URL: use redis://HOST:PORT`);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number(u.pathname.slice(1) || 0),
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // Back within a second or two of Redis returning, at most 2 s between tries.
    retryStrategy: (times) => Math.min(250 * times, 2000),
  };
}

/** Redis as the bots and the worker need it at start: reachable now, or a clear error. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  let cause: Error | undefined; // the socket's error; the command's own is only "Connection is closed"
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new QueueSetupError(`cannot reach Redis at ${shownUrl(url)} (${(cause ?? (e as Error)).message}): start it, or fix queue.url / REDIS_URL`);
  } finally {
    client.disconnect();
  }
}

/** The URL without its password, for logs and errors. */
export function shownUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
